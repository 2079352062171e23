"""The dominance presolve sets options aside without ever changing the optimum; the reduction
keeps only rows the free columns can still break."""

import numpy as np
import pytest

from devolve.core import CoherenceRule, ServiceType, Stage
from devolve.core.plan import NoteKind
from devolve.optimise.model import build_model
from devolve.optimise.presolve import column_upper, dominance_mask, feasible, reduce_model
from devolve.optimise.solve import solve
from devolve.testing import one_service_council as tiny


def test_dominance_presolve_keeps_the_optimum(council):
    # without a collective share, which keeps every collective option in play, and with only care's
    # assessment kept from going alone (for every service, it keeps every other activity in play)
    rubric = council.rubric.replace(partnerships=council.rubric.partnerships.replace(
        assessment_not_alone=(ServiceType.PERSONAL,)))
    model = build_model(council.replace(rubric=rubric, scenario=council.scenario.replace(min_collective_share=0)))
    mask = dominance_mask(model)
    offered = model.options.open
    assert 0 < mask.sum() < offered.sum()  # something set aside, something kept
    assert not (mask & ~offered).any()  # nothing closed comes back
    presolved = solve(model, route="exact")
    full = solve(model, route="exact", presolve=False)
    assert presolved.objective == pytest.approx(full.objective, abs=1e-7)
    assert not any(n.kind == NoteKind.PRESOLVE for n in full.notes)
    (note,) = [n for n in presolved.notes if n.kind == NoteKind.PRESOLVE]
    assert note.figures == {"dropped": offered.sum() - mask.sum(), "options": offered.sum()}


def test_dominance_keeps_required_stage_for_a_valuable_dependent(rubric):
    # management worth −0.6 (group) is needed by delivery worth 0.6: it must not be set aside
    rule = CoherenceRule(stage=Stage.DELIVERY, requires=Stage.MANAGEMENT, reason="test")
    a = tiny(rubric, {Stage.MANAGEMENT: 1, Stage.DELIVERY: 3}, coherence=[rule])
    assert dominance_mask(build_model(a)).all()
    # …but without the rule both management options go
    a = tiny(rubric, {Stage.MANAGEMENT: 1, Stage.DELIVERY: 3})
    assert dominance_mask(build_model(a)).sum() == 2


def test_reduction_moves_fixed_columns_into_the_bounds_and_drops_rows_it_cannot_break(council):
    # without floors or a required saving, so that devolving nothing keeps every row
    model = build_model(council.replace(scenario=council.scenario.replace(running_cost_limit=0,
                                                                          min_collective_share=0)))
    mat = model.matrix
    upper = column_upper(model, dominance_mask(model))
    x = np.zeros(mat.n_cols)
    free = np.zeros(mat.n_cols, dtype=bool)
    free[:50] = True
    reduced = reduce_model(mat, model.objective(), upper, x, free, integer=True)
    assert list(reduced.columns) == [j for j in range(50) if upper[j] > 0]
    assert reduced.lp.num_row_ < mat.n_rows  # rows without a free column are gone
    # nothing fixed at 1: the empty completion keeps every row, so the reduced model is feasible at 0
    assert feasible(mat, reduced.fixed)
    # a floor the free columns cannot reach is caught without a solver
    floor = model.with_limit("equity", 10_000)
    assert reduce_model(floor.matrix, floor.objective(), column_upper(floor, np.ones(mat.n_x, bool)), x, free,
                        integer=True) is None
