"""A deadline is a deadline (issue 13): the tight-capacity benchmark council at L and the exact route
at M, each under a time limit that binds, return within the limit plus the stated margin, with an
honest status, bound and notes.

The councils are the benchmark's (:func:`devolve.bench.council`); each is built once for the module
and only ``solve`` is timed. The limits are chosen against this 2-core machine: at L with
``capacity_use`` 0.01 the LP relaxation alone takes about half a minute, so 20 s interrupts the LP
itself and 45 s the fix and repair after it; the exact MILP at M, asked for a gap of 0, is not
proved in 15 s.
"""

from __future__ import annotations

import time

import pytest

from devolve import bench
from devolve.core.plan import NoteKind, PlanStatus
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model
from devolve.optimise.solve import SolveRoute, solve
from devolve.present.words import note_text

from devolve.optimise.highs import DEADLINE_MARGIN_SECONDS

pytestmark = pytest.mark.slow

TINY = 1e-6
TIMED_OUT = {NoteKind.LP_TIMED_OUT, NoteKind.REPAIR_FAILED, NoteKind.STOPPED, NoteKind.MILP_TIMED_OUT,
             NoteKind.MILP_NOT_STARTED}
"""Notes that say time ran out before a plan was found."""


@pytest.fixture(scope="module")
def tight_l():
    """The benchmark council at L (700 services × 69 neighbourhoods) with capacity binding everywhere."""
    assessment = bench.council("L", capacity_use=0.01)
    return assessment, build_model(assessment)


@pytest.fixture(scope="module")
def council_m():
    assessment = bench.council("M")
    return assessment, build_model(assessment)


def timed_solve(model, limit: float, **how):
    t = time.perf_counter()
    plan = solve(model, time_limit=limit, **how)
    return plan, time.perf_counter() - t


def assert_honest(assessment, plan, elapsed: float, limit: float, gap: float | None = None) -> None:
    """Back within ``limit`` plus the margin; a plan that keeps every limit, with its bound (known
    whenever the LP finished) and a status that matches its gap (``gap`` asked for; the scenario's
    by default), or plainly no plan and a note saying time ran out."""
    gap = assessment.scenario.relative_gap if gap is None else gap
    said = [note_text(n) for n in plan.notes]  # every note can be put in words
    print(f"\n{plan.method.value}: {elapsed:.1f} s against a limit of {limit:g} s (+{DEADLINE_MARGIN_SECONDS:g}); "
          f"(presolve {plan.build_seconds:.1f} s, in the solver {plan.solve_seconds:.1f} s, reading the plan "
          f"{plan.extract_seconds:.1f} s); status {plan.status.value}, objective {plan.objective}, bound "
          f"{plan.best_bound}; notes: {said}")
    assert elapsed <= limit + DEADLINE_MARGIN_SECONDS, f"the solve took {elapsed:.1f} s; its limit is {limit:g} s"
    assert plan.notes, "the plan says nothing of how it was reached"
    lp = [n for n in plan.notes if n.kind == NoteKind.LP_BOUND]
    if plan.status.has_plan:
        assert plan.status in (PlanStatus.OPTIMAL, PlanStatus.WITHIN_GAP, PlanStatus.FEASIBLE)
        assert plan.objective is not None and plan.decisions
        assert check_plan(assessment, plan) == []
        if lp:  # the LP finished, so its bound is known and must be reported
            assert plan.best_bound is not None, "the LP bound was known but the plan carries none"
            assert plan.best_bound <= lp[0].figures["bound"] + TINY
        if plan.best_bound is not None:
            assert plan.objective <= plan.best_bound + TINY
            assert plan.gap is not None and plan.gap >= -TINY
            if plan.status == PlanStatus.FEASIBLE:  # stopped outside the gap asked for
                assert plan.gap > gap - TINY
            else:
                assert plan.gap <= gap + TINY
    else:
        assert plan.status == PlanStatus.NO_PLAN
        assert plan.objective is None and not plan.decisions
        assert {n.kind for n in plan.notes} & TIMED_OUT, f"no plan, and the notes do not say why: {said}"


@pytest.mark.parametrize("limit", [20.0, 45.0], ids=["lp-interrupted", "repair-interrupted"])
def test_tight_capacity_at_l_keeps_its_deadline(tight_l, limit):
    assessment, model = tight_l
    plan, elapsed = timed_solve(model, limit)
    assert_honest(assessment, plan, elapsed, limit)


@pytest.mark.parametrize("limit", [15.0, 25.0], ids=["too-short-to-start", "stopped-in-the-tree"])
def test_exact_route_at_m_keeps_its_deadline(council_m, limit):
    """Asked to prove the optimum (a gap of 0), which it cannot in either limit, so the limit binds:
    at 15 s the MILP's unstoppable first steps may not fit after the LP relaxation, at 25 s they
    do and the MILP is stopped in its tree, with the plan it found."""
    assessment, model = council_m
    plan, elapsed = timed_solve(model, limit, route=SolveRoute.EXACT, relative_gap=0.0)
    assert_honest(assessment, plan, elapsed, limit, gap=0.0)
    assert plan.method.value == "exact MILP"
