"""How sure the plan is (docs/model.md, section 14): weight stability, acceptability under
uncertainty (SMAA) and the value-for-money frontier, all by re-planning the one built model.

Nothing here reads a file or rebuilds a model from the assessment: a re-plan is the same options
valued again (other weights, other scores) or the same rows with another limit. A
:class:`Replanner` solves the model's LP relaxation once and starts every later LP from that
basis, which is about ten times faster than a cold start on the sample. The work is cut into
pieces (:func:`sample_pieces`) whose answers depend only on the model, the seed and the sample's
number, so the same seed gives the same answer whether the pieces run here, on local processes
or on a Dask cluster (:mod:`devolve.scale`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from devolve.core.domain import Assessment
from devolve.core.limits import CATALOGUE, Family
from devolve.core.plan import Plan
from devolve.core.robustness import (Acceptability, Change, DecisionShare, Frontier, FrontierPoint, WeightDraw,
                                     WeightStability)
from devolve.core.scenario import Scenario
from devolve.core.terms import BENEFITS, Benefit, ScoreSource
from devolve.optimise.highs import Deadline
from devolve.optimise.model import DevolutionModel
from devolve.optimise.options import SCORED
from devolve.optimise.presolve import column_upper, feasible
from devolve.optimise.readback import RawSolution, complete
from devolve.optimise.repair import LEAN_CUTS, REPAIR_NODES, REPAIR_SIZES, REPAIR_TARGET, solve_lp_fix

SAMPLE_GAP = 0.01
"""Each re-plan is proven within this of the best plan possible under its values (or the
scenario's gap, if looser): the gap the app's *Try other weights* works to."""
GUARD_SECONDS = 5.0
"""A guard on one re-plan, never reached on the sample: the repair's work is limited by nodes,
not time, so the same values give the same plan however busy the machine."""
FIRST_SECONDS = 600.0
"""A guard on today's LP, solved cold once per worker (31 s for a 700-service council): every
re-plan starts from its basis, so it must not be cut short."""
CONCENTRATION = 40.0
"""Weights drawn around the chosen ones: Dirichlet with α = 40 × weight, so a weight of 0.45 moves
by about 0.08 (one standard deviation) and a weight of 0.1 by about 0.05."""
PIECES = 8
"""Samples are planned in about this many pieces of work, each of :data:`PIECE_MIN` to
:data:`PIECE_MAX` samples: the size is fixed by the number of samples alone, so pieces are the
same however many workers. A larger piece has more plans of its own to beat: on the sample, 1,000
samples took 93 s in pieces of 125 against 115 s in pieces of 25."""
PIECE_MIN = 25
PIECE_MAX = 125
SAMPLE_ROUNDS = (0, 300)
"""A re-plan's repair rounds (:data:`~devolve.optimise.repair.REPAIR_SIZES` without the widest):
it stops as soon as its plan is within the gap, and a sample whose plan the two rounds leave
outside it keeps that plan (today's, unless they found a better one)."""
SAMPLE_NODES = 1
"""Branch-and-bound nodes of each repair round of a re-plan: the root alone, where HiGHS's
heuristics find the plans. On the sample and on small councils this gave the same plans as the
usual ten nodes in three-quarters of the time."""
STABILITY_STEP = 0.05
"""The stability search walks each weight outwards in steps of this (a share), then halves the
last step until the end is known to :data:`STABILITY_TOLERANCE`."""
STABILITY_TOLERANCE = 0.002


def _gap(model: DevolutionModel) -> float:
    return max(SAMPLE_GAP, model.scenario.relative_gap)


class Replanner:
    """One model, re-planned under other values from its own LP basis, the best plan it is told
    of the one to beat: it stands while it is within the gap of the best plan possible. Made once
    per worker, and never changed after: pieces of samples may share it, one per thread."""

    def __init__(self, model: DevolutionModel, plan: Plan):
        self.model = model
        self.gap = _gap(model)
        self.today = chosen_options(model, plan)
        self.today_columns = complete(model, self.today.astype(float))
        upper = column_upper(model, model.options.open)
        raw = solve_lp_fix(model, upper, Deadline.after(FIRST_SECONDS), self.gap, self._start(model, upper),
                           rounds=())
        self.basis = raw.lp_basis

    def _start(self, model: DevolutionModel, upper: np.ndarray, known: Sequence[np.ndarray] = ()) -> np.ndarray:
        """The plan to beat: today's, or a ``known`` plan (whole column vectors) worth more under
        ``model``'s values that keeps its rows (a balance rule's rows move with the values)."""
        cost = model.objective()
        today = np.minimum(model.matrix.settle(self.today_columns), upper)
        worth = [float(cost @ k) for k in known]  # settling sets only V, which has no value of its own
        floor = float(cost @ today)
        for j in sorted(range(len(known)), key=lambda j: -worth[j]):
            if worth[j] <= floor:
                break
            plan = np.minimum(model.matrix.settle(known[j]), upper)
            if feasible(model.matrix, plan):
                return plan
        return today

    def solve(self, model: DevolutionModel, *, rounds: tuple[int, ...] = SAMPLE_ROUNDS, target: float = 1.0,
              relative_gap: float | None = None, start: Plan | None = None, known: Sequence[np.ndarray] = (),
              nodes: int = SAMPLE_NODES, mip_options: dict | None = LEAN_CUTS) -> RawSolution:
        """Fix and repair under ``model``'s values and limits, from today's basis, and from the
        best of today's plan and the ``known`` ones unless another ``start`` is given."""
        upper = column_upper(model, model.options.open)
        first = self._start(model, upper, known) if start is None else np.minimum(
            complete(model, chosen_options(model, start).astype(float)), upper)
        return solve_lp_fix(model, upper, Deadline.after(GUARD_SECONDS), relative_gap or self.gap, first,
                            warm=self.basis, target=target, rounds=rounds, nodes=nodes, mip_options=mip_options)

    def replan(self, model: DevolutionModel, known: Sequence[np.ndarray] = ()) -> np.ndarray | None:
        """The options chosen (a flag per option) under ``model``'s values; None when no plan is found."""
        raw = self.solve(model, known=known)
        return raw.x[: model.matrix.n_x] > 0.5 if raw.status.has_plan and raw.x is not None else None

    def value_of_today(self, model: DevolutionModel) -> float:
        return float(model.value @ self.today)

    def bound(self, model: DevolutionModel) -> float | None:
        """The LP bound alone under ``model``'s values (no repair): no plan can be worth more."""
        return self.solve(model, rounds=()).best_bound


def chosen_options(model: DevolutionModel, plan: Plan) -> np.ndarray:
    """A plan's decisions as one flag per option of ``model``."""
    arr = model.options
    a_of = {a: i for i, a in enumerate(arr.activity_ids)}
    n_of = {n: i for i, n in enumerate(arr.neighbourhood_ids)}
    c_of = {c: i for i, c in enumerate(arr.configurations)}
    out = np.zeros(model.matrix.n_x, dtype=bool)
    for d in plan.decisions:
        if d.activity_id in a_of and d.neighbourhood_id in n_of and d.configuration in c_of:
            out[arr.index(a_of[d.activity_id], n_of[d.neighbourhood_id], c_of[d.configuration])] = True
    return out


# ----------------------------------------------------------------------------------- weights


def weight_line(weights: np.ndarray, k: int, t: float) -> np.ndarray:
    """Weight ``k`` set to ``t`` and the others rescaled in proportion, so they still add to one."""
    rest = 1.0 - weights[k]
    out = weights * ((1.0 - t) / rest) if rest > 0 else np.full_like(weights, (1.0 - t) / (len(weights) - 1))
    out[k] = t
    return out


def as_weights(w: np.ndarray) -> dict[Benefit, float]:
    return {b: float(v) for b, v in zip(BENEFITS, w)}


def stability(model: DevolutionModel, plan: Plan, replanner: Replanner | None = None,
              progress=None) -> tuple[WeightStability, ...]:
    """For each benefit, the interval its weight can move (the others rescaled in proportion)
    while today's plan stays within the gap of the best plan possible (the LP bound), and the
    decisions that change first beyond each end.

    Where today's plan is already further than the gap from the bound at today's weights (on small
    councils the LP relaxation can be several per cent above any real plan), the plan stands while
    that distance grows by no more than the gap: one warm LP a point either way."""
    rp = replanner or Replanner(model, plan)
    w0 = model.weights.copy()
    bound = rp.bound(model)
    today = rp.value_of_today(model)
    behind = 0.0 if bound is None else max(0.0, (bound - today) / max(abs(bound), 1e-9))
    allowed = rp.gap if behind <= rp.gap else behind + rp.gap
    out = []
    for k, benefit in enumerate(BENEFITS):
        if progress is not None:
            progress(k, len(BENEFITS))

        def stands(t: float) -> bool:
            # only the bound can prove the plan stands: a heuristic that finds nothing better
            # proves nothing, so the interval errs on the narrow side
            changed = model.with_weights(as_weights(weight_line(w0, k, t)))
            best = rp.bound(changed)
            return best is not None and rp.value_of_today(changed) >= best - allowed * max(abs(best), 1e-9)

        ends = []
        for limit in (0.0, 1.0):
            inside, t = float(w0[k]), float(w0[k])
            outside = None
            while t != limit:
                t = min(t + STABILITY_STEP, limit) if limit > inside else max(t - STABILITY_STEP, limit)
                if stands(t):
                    inside = t
                else:
                    outside = t
                    break
            while outside is not None and abs(outside - inside) > STABILITY_TOLERANCE:
                middle = (inside + outside) / 2
                inside, outside = (middle, outside) if stands(middle) else (inside, middle)
            ends.append((inside, outside))
        (low, below), (high, above) = ends
        out.append(WeightStability(
            benefit=benefit, weight=float(w0[k]), low=low, high=high,
            below=_changes_at(model, rp, w0, k, below) if below is not None else (),
            above=_changes_at(model, rp, w0, k, above) if above is not None else ()))
    if progress is not None:
        progress(len(BENEFITS), len(BENEFITS))
    return tuple(out)


def _changes_at(model: DevolutionModel, rp: Replanner, w0: np.ndarray, k: int, t: float) -> tuple[Change, ...]:
    """The decisions that change just beyond an end: the quick re-plan's, or, where it kept today's
    plan though the bound says a better one may exist, a plan made to the scenario's own gap with
    every repair round (none, if that finds no better plan either)."""
    changed = model.with_weights(as_weights(weight_line(w0, k, t)))
    chosen = rp.replan(changed)
    if chosen is not None and np.array_equal(chosen, rp.today):
        raw = rp.solve(changed, rounds=REPAIR_SIZES, target=REPAIR_TARGET, nodes=REPAIR_NODES,
                       relative_gap=model.scenario.relative_gap, mip_options=None)
        chosen = raw.x[: changed.matrix.n_x] > 0.5 if raw.status.has_plan and raw.x is not None else chosen
    return () if chosen is None else changes(model, rp.today, chosen)


def changes(model: DevolutionModel, before: np.ndarray, after: np.ndarray) -> tuple[Change, ...]:
    """The decisions that differ between two sets of chosen options, by activity and neighbourhood."""
    arr = model.options

    def by_pair(flags: np.ndarray) -> dict[tuple[int, int], int]:
        k = np.flatnonzero(flags)
        return {(int(a), int(n)): int(c) for a, n, c in zip(arr.a[k], arr.n[k], arr.c[k])}

    old, new = by_pair(before), by_pair(after)
    out = []
    for a, n in sorted(set(old) | set(new)):
        if old.get((a, n)) != new.get((a, n)):
            was, now = old.get((a, n)), new.get((a, n))
            key = arr.activity_ids[a]
            service, stage = key.rsplit(":", 1)
            out.append(Change(service_id=service, stage=stage, neighbourhood_id=arr.neighbourhood_ids[n],
                              before=None if was is None else arr.configurations[was],
                              after=None if now is None else arr.configurations[now]))
    return tuple(out)


# ------------------------------------------------------------------------- acceptability (SMAA)


@dataclass(frozen=True)
class Draws:
    """What each sample draws, and from what: weights around today's (or uniformly), and each
    activity's scores from its assessors (or a default moved a level either way)."""

    weights: np.ndarray
    """Today's weights (shares)."""
    concentration: float | None
    """None: weights drawn uniformly (the team states no preference)."""
    base_scores: np.ndarray
    """(A, 4) today's scores, in :data:`~devolve.optimise.options.SCORED` order."""
    choices: np.ndarray | None
    """(A, 4, L) the scores each may take (padded with its last); None: scores are not drawn."""
    counts: np.ndarray | None
    """(A, 4) how many of ``choices`` are real."""

    def sample(self, seed: int, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Sample ``i``'s weights and scores: its own random stream, (seed, i), so any worker
        draws the same sample."""
        rng = np.random.default_rng([seed, i])
        if self.concentration is None:
            w = rng.dirichlet(np.ones(len(self.weights)))
        else:
            w = np.zeros(len(self.weights))
            on = self.weights > 0
            w[on] = rng.dirichlet(self.concentration * self.weights[on])
        if self.choices is None:
            return w, None
        pick = np.minimum((rng.random(self.counts.shape) * self.counts).astype(int), self.counts - 1)
        return w, np.take_along_axis(self.choices, pick[..., None], axis=2)[..., 0]


def draws(model: DevolutionModel, *, uniform: bool = False, concentration: float = CONCENTRATION,
          scores: bool = True) -> Draws:
    """How samples are drawn for this model's assessment (see :class:`Draws`)."""
    assessment: Assessment = model.assessment
    rubric = assessment.rubric
    by_id = {a.activity_id: a for a in assessment.activities}
    acts = [by_id[a] for a in model.options.activity_ids]
    agree = model.scenario.consensus
    base = np.array([[act.score(k, agree) for k in SCORED] for act in acts], dtype=float).reshape(len(acts), 4)
    choices = counts = None
    if scores:
        lists = []
        for act in acts:
            row = []
            for k in SCORED:
                found = act.scores_for(k)
                assessed = [float(s.value) for s in found if s.source == ScoreSource.ASSESSED]
                if assessed:
                    row.append(assessed)  # one assessor's score, each as likely
                else:
                    d = float(found[0].value)
                    row.append([v for v in (d - 1, d, d + 1) if rubric.scale_min <= v <= rubric.scale_max])
            lists.append(row)
        width = max((len(c) for row in lists for c in row), default=1)
        choices = np.array([[c + [c[-1]] * (width - len(c)) for c in row] for row in lists],
                           dtype=float).reshape(len(acts), 4, width)
        counts = np.array([[len(c) for c in row] for row in lists], dtype=np.int64).reshape(len(acts), 4)
    return Draws(weights=model.weights.copy(), concentration=None if uniform else float(concentration),
                 base_scores=base, choices=choices, counts=counts)


@dataclass
class Tally:
    """What a piece of samples found, to be added up: counts per option, never plans."""

    chosen: np.ndarray
    """(K,) how many samples' plans chose each option."""
    samples: int = 0
    plans: int = 0
    stands: int = 0
    seconds: float = 0.0
    first: int = field(default=0)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.chosen + other.chosen, self.samples + other.samples, self.plans + other.plans,
                     self.stands + other.stands, self.seconds + other.seconds, min(self.first, other.first))


def run_samples(rp: Replanner, how: Draws, seed: int, first: int, count: int) -> Tally:
    """Samples ``first`` … ``first + count − 1`` in turn, each planned from today's LP basis, the
    plan to beat the best of today's and those found for the piece's samples before it (a plan
    good under one sample's values is often within the gap under the next's, and then no repair
    is needed): an answer depends on nothing but the model, the seed and the piece."""
    t0 = time.perf_counter()
    tally = Tally(np.zeros(rp.model.matrix.n_x, dtype=np.int64), first=first)
    known: list[np.ndarray] = []
    seen = {rp.today.tobytes()}
    for i in range(first, first + count):
        w, scores = how.sample(seed, i)
        chosen = rp.replan(rp.model.with_weights(as_weights(w), scores), known)
        tally.samples += 1
        if chosen is not None:
            tally.plans += 1
            tally.chosen += chosen
            tally.stands += bool(np.array_equal(chosen, rp.today))
            if chosen.tobytes() not in seen:
                seen.add(chosen.tobytes())
                known.append(complete(rp.model, chosen.astype(float)))
    tally.seconds = time.perf_counter() - t0
    return tally


def piece_size(samples: int) -> int:
    """Samples in each piece of work (see :data:`PIECES`)."""
    return min(PIECE_MAX, max(PIECE_MIN, -(-samples // PIECES)))


def sample_pieces(samples: int) -> list[tuple[int, int]]:
    """(first, count) of each piece of work: :func:`piece_size` samples each, whatever the workers."""
    size = piece_size(samples)
    return [(i, min(size, samples - i)) for i in range(0, samples, size)]


def acceptability(model: DevolutionModel, plan: Plan, tally: Tally, how: Draws, seed: int, *,
                  seconds: float, workers: int, engine: str) -> Acceptability:
    """The samples' tally as shares per activity and neighbourhood (today's plan's among them)."""
    arr = model.options
    A, N, C = arr.shape
    n = max(tally.plans, 1)  # shares of the samples that found a plan (a guard can stop one)
    grid = tally.chosen.reshape(A, N, C)
    devolved = grid.sum(axis=2)
    today = chosen_options(model, plan).reshape(A, N, C)
    planned = {(a, nn): int(c) for a, nn, c in zip(*np.nonzero(today))}
    rows = []
    for a in range(A):
        service, stage = arr.activity_ids[a].rsplit(":", 1)
        for nn in range(N):
            c = planned.get((a, nn))
            if devolved[a, nn] == 0 and c is None:
                continue
            rows.append(DecisionShare(
                service_id=service, stage=stage, neighbourhood_id=arr.neighbourhood_ids[nn],
                planned=None if c is None else arr.configurations[c], share=float(devolved[a, nn]) / n,
                share_as_planned=0.0 if c is None else float(grid[a, nn, c]) / n, samples=tally.plans))
    open_a = arr.open.reshape(A, N, C).any(axis=(1, 2))
    never = tuple(arr.activity_ids[a] for a in range(A) if open_a[a] and devolved[a].sum() == 0)
    return Acceptability(samples=tally.samples, seed=seed,
                         weights=WeightDraw.UNIFORM if how.concentration is None else WeightDraw.AROUND,
                         concentration=how.concentration, scores=how.choices is not None, relative_gap=_gap(model),
                         plans=tally.plans, stands=tally.stands, decisions=tuple(rows), never=never,
                         seconds=seconds, workers=workers, engine=engine)


# ---------------------------------------------------------------------------- the frontier


FRONTIER_STEPS = 12
"""Points on a frontier, besides nothing at all: from a budget of £0 to what the plan would spend
with that limit lifted."""


FRONTIER_SECONDS = 6.0
"""The time limit of each point on a frontier: its gap is reported with it."""
FRONTIER_CHAINS = 2
"""Frontier points are planned in this many chains (every second point in each), each point from
the one before: a fixed number, so the answer is the same however many workers."""


def frontier_pieces(limits: list[float]) -> list[tuple[float, ...]]:
    return [tuple(limits[i::FRONTIER_CHAINS]) for i in range(min(FRONTIER_CHAINS, len(limits)))]


def frontier_limits(model: DevolutionModel, family: Family, lifted: Plan, steps: int = FRONTIER_STEPS) -> list[float]:
    """The values of the limit to plan at: £0 up to what ``lifted`` (the plan with the limit
    lifted) uses of it, in equal steps, with today's value among them."""
    top = lifted.limit(family).used if lifted.status.has_plan else 0.0
    today = float(getattr(model.scenario, CATALOGUE[family].setting))
    points = {round(top * i / steps, 2) for i in range(steps + 1)}
    if today <= top:
        points.add(round(today, 2))
    return sorted(points)


def lifted_scenario(scenario: Scenario, family: Family) -> Scenario:
    """The scenario with one £ limit lifted (set above anything any plan could use)."""
    return scenario.replace(**{CATALOGUE[family].setting: 1e15})


def carried_forward(model: DevolutionModel, family: Family, points: list[tuple[float, Plan]]) -> list[tuple[float, Plan]]:
    """Each point's plan, or the point below's where that is worth more: a plan that fits a limit
    fits any larger one, so the frontier never falls. Each point has a time limit, and on a busy
    machine a point can stop short of the plan the point below already found."""
    out: list[tuple[float, Plan]] = []
    for limit, plan in points:
        if out and out[-1][1].status.has_plan:
            below = out[-1][1]
            if not plan.status.has_plan or (below.objective or 0.0) > (plan.objective or 0.0) + 1e-9:
                bound = plan.best_bound  # the bound below was for a smaller limit: no bound here
                value = below.objective or 0.0
                plan = below.replace(best_bound=bound, gap=None if bound is None else (bound - value) / max(abs(value), 1e-9),
                                     limits=tuple(lim.replace(limit=limit) if lim.family == family
                                                  and lim.neighbourhood_id is None else lim for lim in below.limits))
        out.append((limit, plan))
    return out


def frontier(model: DevolutionModel, family: Family, points: list[tuple[float, Plan]], *, seconds: float) -> Frontier:
    """The frontier from the plans at each value of the limit, in increasing order."""
    out: list[FrontierPoint] = []
    previous: np.ndarray | None = None
    for limit, plan in points:
        if not plan.status.has_plan:
            out.append(FrontierPoint(limit=limit, found=False))
            continue
        now = chosen_options(model, plan)
        moved = changes(model, previous if previous is not None else np.zeros_like(now), now)
        out.append(FrontierPoint(
            limit=limit, found=True, value=plan.objective, bound=plan.best_bound, used=plan.limit(family).used,
            residents=plan.residents_reached(), decisions=len(plan.decisions),
            annual_cost=sum(d.annual_cost for d in plan.decisions),
            entering=tuple(c for c in moved if c.after is not None),
            leaving=tuple(c for c in moved if c.after is None)))
        previous = now
    return Frontier(family=family, today=float(getattr(model.scenario, CATALOGUE[family].setting)),
                    points=tuple(out), knee=knee([(p.limit, p.value) for p in out if p.found], out),
                    seconds=seconds)


def knee(xy: list[tuple[float, float | None]], points: list[FrontierPoint]) -> int | None:
    """The index (in ``points``) of the found point furthest above the straight line from the
    first found point to the last: where each further £ starts buying markedly less."""
    found = [i for i, p in enumerate(points) if p.found]
    if len(found) < 3:
        return None
    (x0, y0), (x1, y1) = xy[0], xy[-1]
    if x1 <= x0 or y1 is None or y0 is None or y1 <= y0:
        return None
    lift = [(y - y0) / (y1 - y0) - (x - x0) / (x1 - x0) for x, y in xy]
    best = int(np.argmax(lift))
    return found[best] if lift[best] > 0.05 else None
