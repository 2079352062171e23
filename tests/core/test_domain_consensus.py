"""Several assessors: the score the plan uses is their consensus, and wide splits are flagged."""

from __future__ import annotations

import pytest

from devolve.core.domain import Activity, Score
from devolve.core.terms import CRITERIA, Consensus, Criterion, ScoreSource, Stage


def activity(outcomes: list[int]) -> Activity:
    scores = [Score(criterion=Criterion.OUTCOMES, value=v, source=ScoreSource.ASSESSED, assessor=f"officer {i}")
              for i, v in enumerate(outcomes)]
    scores += [Score(criterion=c, value=2, source=ScoreSource.DEFAULT) for c in CRITERIA if c != Criterion.OUTCOMES]
    return Activity(service_id="S1", stage=Stage.DELIVERY, cost_share=0.5, scores=tuple(scores))


@pytest.mark.parametrize(("outcomes", "median", "mean"), [
    ([3], 3, 3),
    ([1, 4], 2.5, 2.5),
    ([0, 3, 4], 3, 7 / 3),      # one outlier moves the mean, not the median
    ([4, 0, 1, 1], 1, 1.5),     # even count: the mean of the middle two, whatever the order
])
def test_median_by_default_or_mean_when_chosen(outcomes, median, mean):
    a = activity(outcomes)
    assert a.score(Criterion.OUTCOMES) == pytest.approx(median)
    assert a.score(Criterion.OUTCOMES, Consensus.MEAN) == pytest.approx(mean)


def test_a_default_score_is_its_own_consensus():
    assert activity([3]).score(Criterion.RESILIENCE, Consensus.MEAN) == 2.0


@pytest.mark.parametrize(("outcomes", "flagged"), [([2, 3], ()), ([1, 3], (Criterion.OUTCOMES,)), ([2], ())])
def test_more_than_one_level_apart_is_flagged_for_discussion(outcomes, flagged):
    a = activity(outcomes)
    assert a.disagreements() == flagged
    assert a.spread(Criterion.OUTCOMES) == max(outcomes) - min(outcomes)
