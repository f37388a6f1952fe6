"""Print a competency question's current answer as its '#+ expect:' header, for a curator to review.

    .venv/bin/python scripts/expect.py landscape              # print the header block
    .venv/bin/python scripts/expect.py landscape --write      # replace the file's expect block (then read `git diff`)

The expected answer is a checked claim about the graph: never write it without reading every row as a person would
(does it answer the question in the header?). Uses the built release (run `vcf-kg build` first).
"""
from __future__ import annotations

import argparse
import json
import re

import vcf_kg


def expect_block(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "#+ expect: []\n"
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    text = "#+ expect: [\n" + ",\n".join(f"#+   {line}" for line in lines) + "]\n"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="a competency question's name (see `vcf-kg queries`)")
    parser.add_argument("--write", action="store_true", help="replace the expect block in the query file")
    args = parser.parse_args()
    query = vcf_kg.catalogue().queries[args.name]
    results = vcf_kg.query(args.name)
    block = expect_block(results.display_rows()) if results.boolean is None else f"#+ expect: {str(results.boolean).lower()}\n"
    if not args.write:
        print(block, end="")
        return
    text = query.path.read_text(encoding="utf-8")
    pattern = re.compile(r"^#\+ expect:.*?\n(?:#\+   .*\n)*", re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:  # before the first line that is not a header line
        lines = text.splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if not line.startswith("#+"))
        text = "".join(lines[:at]) + block + "".join(lines[at:])
    query.path.write_text(text, encoding="utf-8")
    print(f"wrote {len(results.rows)} rows into {query.path}")


if __name__ == "__main__":
    main()
