"""Every competency question's answer columns match what its header asks: the columns are the expected answer's,
a column of counts answers a 'how many', and a column of yes/no values answers a yes/no clause of the question."""
from __future__ import annotations

import re

import pytest

from vcf_kg.queries import Catalogue

from conftest import REPO

CQS = sorted(Catalogue(REPO / "queries").competency_questions(), key=lambda q: q.path.name)
COUNTED = re.compile(r"\(\s*COUNT\s*\((?:[^()]|\([^()]*\))*\)\s+AS\s+\?(\w+)\s*\)", re.IGNORECASE)
# A yes/no clause: one that starts the question or follows a comma or 'and', opened by an auxiliary verb.
YES_NO_CLAUSE = re.compile(r"(?:^|,\s+(?:and\s+)?|\band\s+)(?:is|are|does|do|has|have|whether|which of them)\b",
                           re.IGNORECASE)


def _columns(question, store):
    results = store.query(question.text, question.bindings())
    counts, yes_no = set(COUNTED.findall(question.text)) & set(results.variables), set()
    for var in results.variables:
        terms = [row[var] for row in results.rows if var in row]
        if terms and all(t.value in ("true", "false") for t in terms):
            yes_no.add(var)
    return results, counts, yes_no


@pytest.mark.parametrize("question", CQS, ids=[q.name for q in CQS])
def test_answer_columns_match_the_question(question, store):
    results, counts, yes_no = _columns(question, store)
    if results.boolean is not None:
        assert YES_NO_CLAUSE.search(question.question), f"an ASK query answers a yes/no question: {question.question}"
        return
    expected = question.expected
    named = {key for row in expected for key in row}
    assert set(results.variables) == named or not expected, \
        f"columns {results.variables} but the expected answer names {sorted(named)}"
    if counts:
        assert re.search(r"\bhow many\b", question.question, re.IGNORECASE), \
            f"{sorted(counts)} are counts, but the question asks no 'how many': {question.question}"
    assert len(YES_NO_CLAUSE.findall(question.question)) >= len(yes_no), \
        f"{sorted(yes_no)} answer yes or no, but the question asks fewer yes/no clauses: {question.question}"
