#!/usr/bin/env bash
# A private Virtuoso Open Source 7.2 server on 127.0.0.1, for the tests, the benchmark and trying
# `vcf-kg publish` by hand. Nothing here touches a system-wide Virtuoso.
#
#   scripts/virtuoso.sh install                 install Debian's Virtuoso binaries if missing
#   scripts/virtuoso.sh start DIR               start a server with its database in DIR; prints the endpoint
#   scripts/virtuoso.sh stop DIR                stop it (checkpoint, then exit)
#   scripts/virtuoso.sh restart DIR             stop, then start with the same ports (after publishing)
#   scripts/virtuoso.sh status DIR              exit 0 if it answers
#   scripts/virtuoso.sh isql DIR 'SQL;'         run SQL; fails if any statement fails
#   scripts/virtuoso.sh load DIR FILE GRAPH     bulk-load an RDF file into GRAPH (replacing it)
#
# Environment (read by start; stop/isql/load read what start saved in DIR/ports):
#   VIRTUOSO_HTTP_PORT (default 18890), VIRTUOSO_SQL_PORT (default 11111): non-default ports
#   VIRTUOSO_DBA_PASSWORD (default dba): the dba password, set when DIR's database is created
#   VIRTUOSO_BUFFERS (default 100000, ~0.8 GB): NumberOfBuffers; ~85000 per GB of RAM to give it
#   VIRTUOSO_QUERY_TIMEOUT (default 600): MaxQueryExecutionTime in seconds (0 = none)
#   VIRTUOSO_MAX_ROWS (default 10000000): ResultSetMaxRows (Virtuoso's own default, 10000, truncates silently)
#
# Virtuoso 7.2 pitfalls handled here (see docs/deployment.md):
#   - `isql` exits 0 even when a statement fails: its output is checked for '*** Error'.
#   - bulk loading (ld_dir) reads only directories listed in DirsAllowed: DIR/load is allowed,
#     and `load` hard-links (or copies) the file there.
#   - ResultSetMaxRows defaults to 10000 and truncates larger answers silently: raised to 10^7.
#   - the SPARQL endpoint /sparql is read-only for the anonymous SPARQL user; writes go to the
#     digest-authenticated /sparql-auth (and /sparql-graph-crud-auth) as dba. No grant is widened.
#   - a query past MaxQueryExecutionTime returns 200 with partial results and an X-SQL-State
#     header; vcf-kg's RemoteStore raises on it.
#   - after new data (new predicates) is loaded, Virtuoso 7.2.5 can answer property-path joins
#     wrongly (rows missing) until it is restarted, which resets its in-memory statistics and
#     plans (upstream issues #929, #1023): `restart` after publishing.
set -euo pipefail

die() { echo "virtuoso.sh: $*" >&2; exit 1; }

install() {
  if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
    return 0
  fi
  # virtuoso-opensource-7-bin is the server and isql of Debian's virtuoso-opensource, without the
  # system service (which would start on the default ports 1111/8890) and its debconf password prompt.
  echo "virtuoso.sh: installing Debian's virtuoso-opensource-7-bin" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  command -v apt-get >/dev/null 2>&1 || die "no apt-get here: install Virtuoso Open Source 7 (virtuoso-t, isql-vt) by hand"
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin >/dev/null \
    || die "apt-get could not install virtuoso-opensource-7-bin (is Debian's package available here?)"
  command -v virtuoso-t >/dev/null 2>&1 || die "virtuoso-t is still missing after the install"
}

dir_arg() {
  [ -n "${1:-}" ] || die "give the database directory (e.g. .virtuoso)"
  mkdir -p "$1"
  (cd "$1" && pwd)
}

read_ports() {
  local dir=$1
  [ -f "$dir/ports" ] || die "no server was started in $dir (no $dir/ports)"
  # shellcheck disable=SC1091
  . "$dir/ports"
}

answers() {  # the HTTP SPARQL endpoint answers an ASK
  local url="http://127.0.0.1:$HTTP_PORT/sparql?query=ASK%7B%7D"
  curl -fsS --max-time 5 -o /dev/null "$url" 2>/dev/null
}

run_isql() {  # run SQL from stdin; print the output; fail if any statement failed
  local dir=$1 out
  read_ports "$dir"
  out=$(isql-vt "127.0.0.1:$SQL_PORT" dba "$DBA_PASSWORD" VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF \
        ERRORS=STDOUT 2>&1) || { echo "$out" >&2; die "isql could not run (is the server in $dir up?)"; }
  echo "$out"
  # isql exits 0 even when a statement fails: its messages are the only sign.
  if grep -q '\*\*\* Error' <<<"$out"; then
    die "an SQL statement failed (see above)"
  fi
}

write_ini() {
  local dir=$1
  mkdir -p "$dir/load" "$dir/vsp"
  local tmp="$dir/virtuoso.ini.tmp"
  cat >"$tmp" <<EOF
; Written by scripts/virtuoso.sh: a private server on 127.0.0.1 with its database in this directory.
[Database]
DatabaseFile        = $dir/virtuoso.db
ErrorLogFile        = $dir/virtuoso.log
LockFile            = $dir/virtuoso.lck
TransactionFile     = $dir/virtuoso.trx
xa_persistent_file  = $dir/virtuoso.pxa
ErrorLogLevel       = 7
FileExtend          = 200
MaxCheckpointRemap  = 2000
Striping            = 0
TempStorage         = TempDatabase

[TempDatabase]
DatabaseFile        = $dir/virtuoso-temp.db
TransactionFile     = $dir/virtuoso-temp.trx
MaxCheckpointRemap  = 2000
Striping            = 0

[Parameters]
ServerPort          = 127.0.0.1:$SQL_PORT
LiteMode            = 0
DisableUnixSocket   = 1
DisableTcpSocket    = 0
MaxClientConnections = 20
CheckpointInterval  = 60
O_DIRECT            = 0
CaseMode            = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls        = 0
SchedulerInterval   = 10
; bulk loading (ld_dir) reads only from these directories
DirsAllowed         = ., $dir, $dir/load
ThreadCleanupInterval = 0
ThreadThreshold     = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize   = 100000
SingleCPU           = 0
PrefixResultNames   = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps       = 64
MaxMemPoolSize      = 200000000
MaxQueryMem         = 2G
VectorSize          = 1000
MaxVectorSize       = 1000000
AdjustVectorSize    = 0
ThreadsPerQuery     = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers     = $BUFFERS
MaxDirtyBuffers     = $((BUFFERS * 3 / 4))

[HTTPServer]
ServerPort          = 127.0.0.1:$HTTP_PORT
ServerRoot          = $dir/vsp
MaxClientConnections = 10
DavRoot             = DAV
EnabledDavVSP       = 0
HTTPProxyEnabled    = 0
TempASPXDir         = 0
ServerThreads       = 10
MaxKeepAlives       = 10
KeepAliveTimeout    = 10
MaxCachedProxyConnections = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize      = 280000
HttpPrintWarningsInOutput = 0
Charset             = UTF-8
EnabledGzipContent  = 1

[AutoRepair]
BadParentLinks      = 0

[Client]
SQL_PREFETCH_ROWS   = 100
SQL_PREFETCH_BYTES  = 16000
SQL_QUERY_TIMEOUT   = 0
SQL_TXN_TIMEOUT     = 0

[Replication]
ServerName          = vcfkg
ServerEnable        = 0

[URIQA]
DynamicLocal        = 0
DefaultHost         = 127.0.0.1:$HTTP_PORT

[SPARQL]
; the default 10000 truncates larger answers without saying so
ResultSetMaxRows    = $MAX_ROWS
MaxQueryCostEstimationTime = 0
; past this, Virtuoso answers 200 with partial results (and an X-SQL-State header)
MaxQueryExecutionTime = $QUERY_TIMEOUT
DefaultQuery        = SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }
DeferInferenceRulesInit = 0
EOF
  mv "$tmp" "$dir/virtuoso.ini"
}

start() {
  install
  local dir; dir=$(dir_arg "${1:-}")
  if [ -f "$dir/ports" ]; then
    read_ports "$dir"
    if answers; then
      echo "virtuoso.sh: already running in $dir" >&2
      echo "http://127.0.0.1:$HTTP_PORT/sparql"
      return 0
    fi
  fi
  HTTP_PORT=${VIRTUOSO_HTTP_PORT:-18890}
  SQL_PORT=${VIRTUOSO_SQL_PORT:-11111}
  BUFFERS=${VIRTUOSO_BUFFERS:-100000}
  QUERY_TIMEOUT=${VIRTUOSO_QUERY_TIMEOUT:-600}
  MAX_ROWS=${VIRTUOSO_MAX_ROWS:-10000000}
  local new_db=0
  [ -f "$dir/virtuoso.db" ] || new_db=1
  if [ "$new_db" = 1 ]; then
    DBA_PASSWORD=${VIRTUOSO_DBA_PASSWORD:-dba}
  elif [ -f "$dir/ports" ]; then
    . "$dir/ports"  # keep the password the database was created with
    HTTP_PORT=${VIRTUOSO_HTTP_PORT:-$HTTP_PORT}
    SQL_PORT=${VIRTUOSO_SQL_PORT:-$SQL_PORT}
  fi
  for port in "$HTTP_PORT" "$SQL_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port $port on 127.0.0.1 is already in use: set VIRTUOSO_HTTP_PORT / VIRTUOSO_SQL_PORT"
    fi
  done
  write_ini "$dir"
  printf 'HTTP_PORT=%s\nSQL_PORT=%s\nDBA_PASSWORD=%q\n' "$HTTP_PORT" "$SQL_PORT" "$DBA_PASSWORD" >"$dir/ports.tmp"
  mv "$dir/ports.tmp" "$dir/ports"
  rm -f "$dir/virtuoso.lck"
  local pwd_args=()
  [ "$new_db" = 1 ] && [ "$DBA_PASSWORD" != dba ] && pwd_args=(+pwddba "$DBA_PASSWORD")
  (cd "$dir" && exec setsid virtuoso-t +foreground +configfile "$dir/virtuoso.ini" "${pwd_args[@]}" \
     </dev/null >"$dir/server.out" 2>&1) &
  echo $! >"$dir/virtuoso.pid"
  local pid; pid=$(cat "$dir/virtuoso.pid")
  local deadline=$((SECONDS + ${VIRTUOSO_START_TIMEOUT:-120}))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$dir/virtuoso.log" "$dir/server.out" >&2 2>/dev/null || true
      die "virtuoso-t exited during start-up (log: $dir/virtuoso.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      kill "$pid" 2>/dev/null || true
      die "Virtuoso did not answer on 127.0.0.1:$HTTP_PORT within ${VIRTUOSO_START_TIMEOUT:-120}s (log: $dir/virtuoso.log)"
    fi
    sleep 0.5
  done
  echo "virtuoso.sh: Virtuoso $(virtuoso-t -? 2>&1 | sed -n 's/^Version \([^ ]*\).*/\1/p') up (pid $pid, SQL port $SQL_PORT, database $dir)" >&2
  echo "http://127.0.0.1:$HTTP_PORT/sparql"
}

stop() {
  local dir; dir=$(dir_arg "${1:-}")
  [ -f "$dir/virtuoso.pid" ] || { echo "virtuoso.sh: nothing started in $dir" >&2; return 0; }
  local pid; pid=$(cat "$dir/virtuoso.pid")
  if kill -0 "$pid" 2>/dev/null; then
    # a clean shutdown checkpoints the database; a signal is the fallback
    run_isql "$dir" <<<"shutdown;" >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.2
    done
  fi
  rm -f "$dir/virtuoso.pid"
  echo "virtuoso.sh: stopped ($dir)" >&2
}

status() {
  local dir; dir=$(dir_arg "${1:-}")
  read_ports "$dir"
  if answers; then echo "http://127.0.0.1:$HTTP_PORT/sparql"; else die "no answer on 127.0.0.1:$HTTP_PORT"; fi
}

load() {
  local dir; dir=$(dir_arg "${1:-}")
  local file=${2:-} graph=${3:-}
  [ -f "$file" ] || die "no file $file"
  [ -n "$graph" ] || die "give the graph IRI to load into"
  case "$graph" in *[\'\<\>\"\ ]*) die "not a usable graph IRI: $graph";; esac
  local name; name=$(basename "$file")
  case "$name" in *"'"*) die "file name must not contain a quote: $name";; esac
  mkdir -p "$dir/load"
  rm -f "$dir/load/$name"
  ln "$file" "$dir/load/$name" 2>/dev/null || cp "$file" "$dir/load/$name"
  run_isql "$dir" <<EOF
log_enable(2, 1);
SPARQL CLEAR GRAPH <$graph>;
DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = '$dir/load/$name';
ld_dir('$dir/load', '$name', '$graph');
rdf_loader_run();
checkpoint;
SELECT 'LOAD-ERROR', ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = '$dir/load/$name' AND ll_error IS NOT NULL;
EOF
  rm -f "$dir/load/$name"
}

isql() {
  local dir; dir=$(dir_arg "${1:-}")
  shift || true
  if [ $# -gt 0 ]; then printf '%s\n' "$@" | run_isql "$dir"; else run_isql "$dir"; fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  install) install ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  restart)
    d=$(dir_arg "${1:-}"); read_ports "$d"
    stop "$d"
    VIRTUOSO_HTTP_PORT=$HTTP_PORT VIRTUOSO_SQL_PORT=$SQL_PORT start "$d" ;;
  status) status "$@" ;;
  load)
    out=$(load "$@") || { echo "$out"; exit 1; }
    if grep -q 'LOAD-ERROR' <<<"$out"; then echo "$out" >&2; die "the bulk loader reported an error"; fi
    ;;
  isql) isql "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
