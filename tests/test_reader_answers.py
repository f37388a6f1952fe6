"""Answers to parametrised questions, read as a researcher would (a review on 2026-12-01 found each of these
misleading or empty); the default answers are checked by the questions' own `#+ expect:` headers."""
from __future__ import annotations

import vcf_kg


def answer(store, paths, name, **params):
    return vcf_kg.query(name, params, store=store, paths=paths)


def test_a_guideline_without_title_or_strength_still_lists_its_recommendations(store, paths):
    rows = answer(store, paths, "guideline-recommendations", g="vcfr:DutchGuideline2024CementAugmentation").display_rows()
    assert sorted(r["direction"] for r in rows) == ["against", "option"]
    assert all(r["guideline"].endswith("module Percutane cementaugmentatie") and r["year"] == "2024" for r in rows)


def test_a_recommendation_against_a_broader_intervention_counts(store, paths):
    against = lambda i: answer(store, paths, "is-vertebroplasty-recommended-against", intervention=i).boolean  # noqa: E731
    assert against("vcfr:Kyphoplasty") is True  # the Dutch 2024 'against' is on percutaneous vertebral augmentation
    assert against("vcfr:BalloonKyphoplasty") is True  # two steps: balloon kyphoplasty -> kyphoplasty -> augmentation
    assert against("vcfr:Calcitonin") is False and against("vcfr:Surgery") is False  # nothing narrower counts upwards


def test_positions_from_the_table_say_for_whom(store, paths):
    rows = answer(store, paths, "recommendations", source="source:positions").display_rows()
    assert rows and all(r.get("appliesWhen") for r in rows)
    acute = [r for r in rows if r["direction"] == "against" and r["intervention"] == "percutaneous vertebral augmentation"]
    assert acute and "<6 weeks" in acute[0]["appliesWhen"]
