"""Which claims the curation assistant proposed: data/assistant-claims.tsv -> vcf:agentType triples.

`vcf-kg curate --accept` lists every claim it adds in data/assistant-claims.tsv; the build marks those
vcf:ManualValidationOfAutomatedAgent (proposed by the assistant, accepted by a curator) and every
other claim vcf:ManualAgent (written by a curator).
"""
from __future__ import annotations

from rdflib import Graph

from ..errors import CurationError
from ..namespaces import VCF
from ..tsv import read_tsv

ASSISTANT_FILE = "assistant-claims.tsv"
ASSISTANT_COLUMNS = ["claim_id", "review", "accepted"]


def add_agent_types(graph: Graph, curated, paths) -> None:
    path = paths.data / ASSISTANT_FILE
    rows = read_tsv(path, ASSISTANT_COLUMNS) if path.exists() else []
    claims = {c.id: c for c in curated.claims}
    problems = [row.problem("claim_id", f"unknown claim {row['claim_id']!r} (not in data/claims.tsv)")
                for row in rows if row["claim_id"] not in claims]
    if problems:
        raise CurationError(problems)
    assisted = {row["claim_id"] for row in rows}
    for claim in curated.claims:
        agent = VCF.ManualValidationOfAutomatedAgent if claim.id in assisted else VCF.ManualAgent
        graph.add((claim.iri, VCF.agentType, agent))
