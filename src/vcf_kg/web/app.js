// The query page: named-query picker, YASQE editor, results table with links, downloads.
// Talks only to this server: GET /queries (the catalogue), /queries/NAME (a named query, parameters
// bound by the server as RDF terms) and /sparql (edited SPARQL).
(function () {
  "use strict";

  var BASE = "https://w3id.org/vcf-kg/";
  var ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
  var DEFAULT_QUERY = [
    "# Every kind of thing in the graph, with how many there are",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    "SELECT ?class ?label (COUNT(?thing) AS ?count) WHERE {",
    "  ?thing a ?class .",
    "  OPTIONAL { ?class rdfs:label ?label }",
    "}",
    "GROUP BY ?class ?label",
    "ORDER BY DESC(?count)",
  ].join("\n");

  var catalogue = { prefixes: {}, queries: [] };
  var selected = null; // the named query picked, if any
  var loadedText = null; // the text put into the editor for it (edited text runs as plain SPARQL)

  var picker = document.getElementById("named-query");
  var question = document.getElementById("question");
  var paramsBox = document.getElementById("params");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var downloads = document.getElementById("downloads");
  var about = document.getElementById("about");

  var yasqe = new Yasgui.Yasqe(document.getElementById("editor"), {
    value: DEFAULT_QUERY,
    persistenceId: null, // no localStorage: the page always starts from the same state
    showQueryButton: false,
    autocompleters: [], // the remote ones (prefix.cc, LOV) would need the internet
    resizeable: true,
    editorHeight: "260px",
    requestConfig: { endpoint: "/sparql", method: "POST" },
  });
  yasqe.addKeyMap({ "Ctrl-Enter": run, "Cmd-Enter": run });
  document.getElementById("run").addEventListener("click", run);
  picker.addEventListener("change", function () { pick(picker.value); });

  function localHref(iri) {
    return iri.indexOf(BASE) === 0 ? "/" + iri.slice(BASE.length) : iri;
  }

  // Same rule as vcf_kg.namespaces.shorten: the longest namespace, if the rest is a plain local name.
  function shorten(iri) {
    var best = null;
    Object.keys(catalogue.prefixes).forEach(function (p) {
      var ns = catalogue.prefixes[p];
      if (iri.indexOf(ns) === 0 && (!best || ns.length > catalogue.prefixes[best].length)) {
        if (/^[A-Za-z0-9_.\-]+$/.test(iri.slice(ns.length))) best = p;
      }
    });
    return best ? best + ":" + iri.slice(catalogue.prefixes[best].length) : "<" + iri + ">";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A named query's file: its '#+ key: value' header (question, expected answer, parameters) and the SPARQL.
  function splitHeader(text) {
    var lines = text.split("\n");
    var i = 0;
    while (i < lines.length && /^#\+/.test(lines[i])) i++;
    return { header: lines.slice(0, i).join("\n"), sparql: lines.slice(i).join("\n").replace(/^\s*\n/, "") };
  }

  // The editor's SPARQL mode flags a prefix that no PREFIX line declares; the server predeclares these.
  function predeclarePrefixes() {
    var mode = yasqe.getMode();
    if (!mode || mode.predeclared) return;
    var startState = mode.startState;
    mode.startState = function () {
      var state = startState.apply(this, arguments);
      Object.keys(catalogue.prefixes).forEach(function (p) { state.prefixes[p] = catalogue.prefixes[p]; });
      return state;
    };
    mode.predeclared = true;
    yasqe.setValue(yasqe.getValue()); // tokenise again with them
  }

  function listPrefixes() {
    var body = document.querySelector("#prefixes tbody");
    var names = Object.keys(catalogue.prefixes);
    names.forEach(function (p) {
      var tr = el("tr");
      tr.appendChild(el("td", {}, p + ":"));
      tr.appendChild(el("td", {}, catalogue.prefixes[p]));
      body.appendChild(tr);
    });
    document.getElementById("prefix-count").textContent = String(names.length);
  }

  function pick(name) {
    selected = null;
    paramsBox.textContent = "";
    question.textContent = "";
    about.hidden = true;
    about.open = false;
    if (!name) { loadedText = null; return; }
    selected = catalogue.queries.filter(function (q) { return q.name === name; })[0] || null;
    if (!selected) return;
    question.textContent = selected.question || selected.summary || selected.title;
    var parts = splitHeader(selected.text);
    document.getElementById("about-header").textContent = parts.header;
    about.hidden = !parts.header;
    selected.params.forEach(function (p) {
      var id = "param-" + p.name;
      var label = el("label", { for: id }, p.name + " (" + p.kind + ")");
      var input = el("input", { id: id, name: p.name, "data-param": p.name, type: "text", spellcheck: "false" });
      input.value = p.default || "";
      paramsBox.appendChild(label);
      paramsBox.appendChild(input);
    });
    loadedText = parts.sparql;
    yasqe.setValue(loadedText);
    if (history.replaceState) history.replaceState(null, "", "?query=" + encodeURIComponent(name));
  }

  function request() {
    var text = yasqe.getValue();
    if (selected && text === loadedText) {
      var qs = new URLSearchParams();
      paramsBox.querySelectorAll("input[data-param]").forEach(function (i) { qs.append(i.dataset.param, i.value); });
      var base = "/queries/" + encodeURIComponent(selected.name) + "?" + qs.toString();
      return { url: base, init: { headers: { Accept: ACCEPT } }, link: base + (qs.toString() ? "&" : "") };
    }
    var form = new URLSearchParams({ query: text });
    return {
      url: "/sparql",
      init: { method: "POST", headers: { Accept: ACCEPT, "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() },
      link: "/sparql?" + form.toString() + "&",
    };
  }

  function run() {
    var req = request();
    var started = performance.now();
    status.textContent = "Running…";
    status.className = "status running";
    downloads.hidden = true;
    document.getElementById("run").disabled = true;
    fetch(req.url, req.init).then(function (response) {
      return response.text().then(function (body) { return { response: response, body: body }; });
    }).then(function (r) {
      var ms = Math.round(performance.now() - started);
      results.textContent = "";
      if (!r.response.ok) {
        status.textContent = "Error " + r.response.status;
        status.className = "status failed";
        results.appendChild(el("pre", { id: "error", class: "error", role: "alert" }, r.body));
        return;
      }
      var type = r.response.headers.get("Content-Type") || "";
      if (type.indexOf("json") >= 0) {
        var data = JSON.parse(r.body);
        if (typeof data.boolean === "boolean") {
          results.appendChild(el("p", { id: "boolean", class: "boolean" }, data.boolean ? "true" : "false"));
          status.textContent = "ASK answered in " + ms + " ms";
        } else {
          var n = data.results.bindings.length;
          results.appendChild(table(data));
          status.textContent = n + " row" + (n === 1 ? "" : "s") + " in " + ms + " ms";
        }
        document.getElementById("download-csv").href = req.link + "format=csv";
        document.getElementById("download-json").href = req.link + "format=json";
        downloads.hidden = false;
      } else {
        results.appendChild(el("pre", { id: "graph", class: "graph" }, r.body));
        status.textContent = "graph in " + ms + " ms";
      }
      status.className = "status done";
    }).catch(function (err) {
      status.textContent = "The server did not answer: " + err;
      status.className = "status failed";
    }).finally(function () {
      document.getElementById("run").disabled = false;
    });
  }

  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      if (/^https?:\/\//i.test(term.value)) {
        td.appendChild(el("a", { href: localHref(term.value), title: term.value }, shorten(term.value)));
      } else { // urn:, mailto:, and never javascript: as a link
        td.appendChild(el("span", { title: term.value }, shorten(term.value)));
      }
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
      else if (term.datatype) td.title = shorten(term.datatype);
    }
    return td;
  }

  function table(data) {
    var t = el("table", { id: "results-table", class: "results" });
    var head = el("tr");
    data.head.vars.forEach(function (v) { head.appendChild(el("th", { scope: "col" }, v)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    data.results.bindings.forEach(function (b) {
      var tr = el("tr");
      data.head.vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      body.appendChild(tr);
    });
    return t;
  }

  function optgroup(label, kind) {
    var group = el("optgroup", { label: label });
    catalogue.queries.filter(function (q) { return q.kind === kind; }).forEach(function (q) {
      group.appendChild(el("option", { value: q.name }, q.name + " — " + (q.question || q.title)));
    });
    if (group.children.length) picker.appendChild(group);
  }

  fetch("/queries").then(function (r) { return r.json(); }).then(function (data) {
    catalogue = data;
    predeclarePrefixes();
    listPrefixes();
    optgroup("Competency questions", "cq");
    optgroup("Explain a term", "explain");
    optgroup("Quality checks (no rows = pass)", "qc");
    optgroup("Build rules (CONSTRUCT)", "rules");
    var wanted = new URLSearchParams(location.search).get("query");
    if (wanted) { picker.value = wanted; pick(wanted); }
    document.body.setAttribute("data-ready", "true");
  }).catch(function (err) {
    question.textContent = "Could not load the named queries: " + err;
  });
})();
