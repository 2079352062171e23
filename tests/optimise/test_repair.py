"""LP relaxation, fix and repair: a valid plan, and a gap honest against the LP bound."""

import pytest

from devolve.core.plan import NoteKind, PlanMethod
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model
from devolve.optimise.solve import solve


def test_lp_fix_method_on_a_small_council_is_valid_and_honest(council):
    model = build_model(council)
    plan = solve(model, route="lp_fix")
    exact = solve(model, route="exact")
    assert plan.method == PlanMethod.LP_FIX
    assert check_plan(council, plan) == []
    assert plan.best_bound >= exact.objective - 1e-7  # the LP bound really bounds the optimum
    assert plan.objective <= exact.objective + 1e-7
    assert plan.gap == pytest.approx((plan.best_bound - plan.objective) / plan.objective)


def test_the_notes_say_how_the_plan_was_found(council):
    plan = solve(build_model(council), route="lp_fix")
    kinds = [n.kind for n in plan.notes]
    assert kinds[0] == NoteKind.LP_BOUND and NoteKind.REPAIRED in kinds
    bound = next(n for n in plan.notes if n.kind == NoteKind.LP_BOUND)
    assert bound.figures["bound"] == pytest.approx(plan.best_bound)
