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


def _lp(model):
    import numpy as np

    from devolve.optimise.presolve import column_upper, dominance_mask, reduce_model

    upper = column_upper(model, dominance_mask(model))
    cost = model.objective()
    return reduce_model(model.matrix, cost, upper, np.zeros(model.matrix.n_cols), upper > 0, integer=False).lp


def test_any_row_multipliers_bound_the_lp_and_its_own_duals_meet_its_optimum(council):
    import numpy as np

    from devolve.optimise.highs import Deadline, dual_bound, run_highs

    lp = _lp(build_model(council))
    h, _ = run_highs(lp, Deadline.after(30), None)
    optimum = h.getInfo().objective_function_value
    duals = np.asarray(h.getSolution().row_dual)
    assert dual_bound(lp, duals) == pytest.approx(optimum, rel=1e-7)
    rng = np.random.default_rng(0)
    for scale in (0.0, 0.1, 1.0, 10.0):
        for _ in range(5):
            y = duals + scale * rng.normal(size=len(duals))
            assert dual_bound(lp, y) >= optimum - 1e-7


@pytest.mark.slow
def test_an_lp_stopped_part_way_still_gives_an_honest_bound():
    from devolve.testing import synthetic_assessment

    model = build_model(synthetic_assessment(200, 33, seed=0))  # its LP takes about 2 s
    whole = solve(model, route="lp_fix")
    stopped = solve(model, route="lp_fix", time_limit=0.5)
    assert stopped.objective is None and not stopped.decisions
    assert stopped.best_bound >= whole.best_bound - 1e-7
    kinds = [n.kind for n in stopped.notes]
    assert NoteKind.LP_TIMED_OUT in kinds and NoteKind.PARTIAL_BOUND in kinds


def test_interior_point_stopped_short_hands_over_to_dual_simplex(council, monkeypatch):
    """An LP big enough for interior point (here every LP, the limit lowered) that stalls — made
    to, by an iteration limit of 2 — is solved by dual simplex in the time left, and says so."""
    from devolve.optimise import repair

    model = build_model(council)
    simplex = solve(model, route="lp_fix")
    monkeypatch.setattr(repair, "SIMPLEX_LIMIT", 0)
    monkeypatch.setattr(repair, "IPM_OPTIONS", {**repair.IPM_OPTIONS, "ipm_iteration_limit": 2})
    fell_back = solve(model, route="lp_fix")
    kinds = [n.kind for n in fell_back.notes]
    assert kinds[0] == NoteKind.IPM_FELL_BACK and NoteKind.LP_BOUND in kinds
    assert fell_back.best_bound == pytest.approx(simplex.best_bound, rel=1e-9)
    assert check_plan(council, fell_back) == []
