"""The Assess page's tables, as pure functions: an assessor's grid, the edits made in it, and
everyone's scores with their consensus and spread. Tested without a browser."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from devolve.core.domain import Activity
from devolve.core.terms import CRITERIA, DISAGREEMENT_LEVELS, Consensus, ScoreSource, Stage
from devolve.usecases import ScoreEdit

STAGE = "Activity"


def my_grid(activities: Sequence[Activity], assessor: str) -> pd.DataFrame:
    """One row per stage, one column per criterion: this assessor's scores, blank where they gave none."""
    rows = []
    for a in activities:
        mine = {s.criterion: s.value for s in a.scores if s.source == ScoreSource.ASSESSED and s.assessor == assessor}
        rows.append({STAGE: a.stage.label, **{c.label: mine.get(c) for c in CRITERIA}})
    frame = pd.DataFrame(rows, columns=[STAGE, *(c.label for c in CRITERIA)])
    return frame.astype({c.label: "Int64" for c in CRITERIA})


def edits_between(service_id: str, before: pd.DataFrame, after: pd.DataFrame, assessor: str) -> list[ScoreEdit]:
    """The scores an assessor entered, changed or cleared in their grid."""
    stages = {s.label: s for s in Stage}
    found = []
    for (_, was), (_, now) in zip(before.iterrows(), after.iterrows()):
        for c in CRITERIA:
            old, new = _level(was[c.label]), _level(now[c.label])
            if old != new:
                found.append(ScoreEdit(service_id, stages[now[STAGE]], c, assessor, new))
    return found


def _level(cell) -> int | None:
    return None if cell is None or pd.isna(cell) else int(cell)


def everyone(activities: Sequence[Activity], consensus: Consensus) -> pd.DataFrame:
    """Per stage and criterion: the score the plan uses, how it was reached, and whether to discuss it."""
    rows = []
    for a in activities:
        row = {STAGE: a.stage.label}
        for c in CRITERIA:
            assessed = [s for s in a.scores_for(c) if s.source == ScoreSource.ASSESSED]
            used = a.score(c, consensus)
            if not assessed:
                row[c.label] = f"{used:g} (default)"
            elif len(assessed) == 1:
                row[c.label] = f"{used:g} ({assessed[0].assessor or 'unnamed assessor'})"
            else:
                spread = a.spread(c)
                flag = " — discuss" if spread > DISAGREEMENT_LEVELS else ""
                row[c.label] = (f"{used:g} ({consensus.value} of {len(assessed)}, "
                                f"{min(s.value for s in assessed)} to {max(s.value for s in assessed)}){flag}")
        rows.append(row)
    return pd.DataFrame(rows, columns=[STAGE, *(c.label for c in CRITERIA)])


def progress(activities: Sequence[Activity]) -> tuple[int, int, int]:
    """(activities assessed on every criterion, activities with any default, scores to discuss)."""
    full = sum(1 for a in activities if not any(a.is_default(c) for c in CRITERIA))
    partly = sum(1 for a in activities if any(a.is_default(c) for c in CRITERIA))
    return full, partly, sum(len(a.disagreements()) for a in activities)
