"""The Assess page's tables: an assessor's grid, the edits made in it, everyone's scores."""

from __future__ import annotations

import pandas as pd

from devolve.app import scoring
from devolve.core.terms import Consensus, Criterion, Stage


def test_an_assessor_s_grid_holds_only_their_own_scores(sample):
    activities = [a for a in sample.activities if a.service_id == "ASC02"]
    grid = scoring.my_grid(activities, "Principal Social Worker")
    assert list(grid[scoring.STAGE]) == [s.label for s in Stage]
    theirs = {(a.stage.label, s.criterion.label): s.value for a in activities for s in a.scores
              if s.assessor == "Principal Social Worker"}
    assert theirs and all(grid.set_index(scoring.STAGE).loc[stage, crit] == v for (stage, crit), v in theirs.items())
    assert grid.isna().sum().sum() == 9 * 4 - len(theirs)


def test_edits_are_the_cells_entered_changed_or_cleared():
    before = pd.DataFrame({scoring.STAGE: ["Governance", "Delivery"], "Outcomes": pd.array([2, None], "Int64"),
                           "Unbundling": pd.array([None, 3], "Int64"),
                           "Partnership configuration": pd.array([None, None], "Int64"),
                           "Resilience": pd.array([1, None], "Int64")})
    after = before.copy()
    after.loc[0, "Outcomes"] = 4
    after.loc[1, "Unbundling"] = pd.NA
    after.loc[1, "Resilience"] = 0
    edits = scoring.edits_between("S1", before, after, "Jo")
    assert [(e.stage, e.criterion, e.value) for e in edits] == [
        (Stage.GOVERNANCE, Criterion.OUTCOMES, 4), (Stage.DELIVERY, Criterion.UNBUNDLING, None),
        (Stage.DELIVERY, Criterion.RESILIENCE, 0)]
    assert {e.assessor for e in edits} == {"Jo"}


def test_everyone_s_scores_say_how_the_plan_s_score_was_reached(sample):
    delivery = [a for a in sample.activities if a.activity_id == "ASC02:delivery"]
    row = scoring.everyone(delivery, Consensus.MEDIAN).iloc[0]
    assert row["Resilience"].endswith("— discuss") and "median of 2" in row["Resilience"]
    untouched = [a for a in sample.activities if all(a.is_default(c) for c in Criterion)][:1]
    assert scoring.everyone(untouched, Consensus.MEDIAN).iloc[0]["Outcomes"].endswith("(default)")
    full, partly, discuss = scoring.progress(sample.activities)
    assert full + partly == len(sample.activities) and discuss == 3


def test_tables_for_people_write_pounds_shares_and_units():
    from devolve.app.tables import for_people

    frame = pd.DataFrame({"Limit": ["Transition budget", "Hours in N01"], "Used": [924450.17, 765.0],
                          "Limit value": [1_000_000.0, 7200.0], "Unit": ["£", "hours"],
                          "Used (%)": [0.9244, float("nan")], "Set-up (£)": [39762, -2.9]})
    shown = for_people(frame)
    assert list(shown["Used"]) == ["£924,450", "765 hours"]
    assert list(shown["Limit value"]) == ["£1,000,000", "7,200 hours"]
    assert list(shown["Used (%)"]) == ["92.4%", ""]
    assert list(shown["Set-up (£)"]) == ["£39,762", "−£3"]
