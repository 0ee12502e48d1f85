"""The labelled evaluation, through the real index over the test database: the index may not
fall below the scores recorded in tests/data/similarity/scores.json (`python -m
bench.similarity --record` writes them; the bench also prints the former method beside)."""

from __future__ import annotations

import json

import pytest

from bench.similarity import SCORES, evaluate, insert_labelled, labelled, new_method

METRICS = ("precision_at_5", "recall_at_5", "mrr")
RECORDED = json.loads(SCORES.read_text())


@pytest.fixture
def scores(app):
    ideas, queries = labelled()
    return evaluate(new_method, queries, insert_labelled(ideas))


def test_no_kind_falls_below_its_recorded_scores(scores):
    fallen = {
        (kind, metric): (scores[kind][metric], recorded[metric])
        for kind, recorded in RECORDED.items() for metric in METRICS
        if recorded[metric] is not None
        and (scores[kind][metric] is None or scores[kind][metric] < recorded[metric] - 1e-9)
    }
    risen = {
        kind: (scores[kind]["false_positive_rate"], recorded["false_positive_rate"])
        for kind, recorded in RECORDED.items()
        if scores[kind]["false_positive_rate"] > recorded["false_positive_rate"] + 1e-9
    }
    assert not fallen, f"below the recorded scores: {fallen}"
    assert not risen, f"more ideas about another topic suggested: {risen}"


def test_the_targets_hold_on_the_labelled_set(scores):
    same_place = scores["same_place"]
    assert same_place["precision_at_5"] >= 0.8
    assert same_place["recall_at_5"] >= 0.8
    assert scores["same_place_other_topic"]["false_positive_rate"] <= 0.2
