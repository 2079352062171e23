"""The model: built once, never changed; new weights or limits give new models that share arrays."""

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from devolve.core import Benefit
from devolve.core.limits import Family
from devolve.core.rubric import BalanceRules
from devolve.optimise.check import check_plan
from devolve.optimise.model import build_model, pulp_problem
from devolve.optimise.solve import solve

NEW_WEIGHTS = {Benefit.OUTCOMES: 0.1, Benefit.VOLUNTEER_TIME: 0.2, Benefit.PARTNERSHIP: 0.3,
               Benefit.RESILIENCE: 0.4}


@pytest.fixture(scope="module")
def model(council):
    return build_model(council)


def test_named_constraints_and_pulp_problem(model):
    pm = pulp_problem(model)
    names = set(pm.constraints)
    assert {"transition_budget", "running_cost", "contingency_reserve", "collective_share"} <= names
    assert "capacity[N001]" in names
    assert any(n.startswith("coherence[delivery>management,") for n in names)
    assert any(n.startswith("one_configuration[") for n in names)
    assert pm.problem.numConstraints() == model.matrix.n_rows
    assert len(pm.problem.variables()) == model.matrix.n_cols
    assert pm.constraints["transition_budget"].constant == pytest.approx(-model.scenario.transition_budget)


@pytest.mark.slow
def test_derived_models_equal_a_fresh_build(council, model):
    half = council.scenario.transition_budget / 2
    derived = (model.with_weights(NEW_WEIGHTS)
               .with_limit(Family.TRANSITION_BUDGET, half)
               .with_limit(Family.CAPACITY, 0.02)
               .with_limit(Family.COLLECTIVE_SHARE, 0.5))
    changed = council.replace(scenario=council.scenario.replace(
        weights=NEW_WEIGHTS, transition_budget=half, capacity_use=0.02, min_collective_share=0.5))
    fresh = build_model(changed)
    assert derived.scenario == changed.scenario
    np.testing.assert_array_equal(derived.value, fresh.value)
    for name in ("indptr", "indices", "data", "sense", "rhs"):
        np.testing.assert_array_equal(getattr(derived.matrix, name), getattr(fresh.matrix, name))
    resolved, again = solve(derived, start=solve(model)), solve(fresh)
    # the same problem: each plan within the other's proved bound (this scenario is too tight for
    # either to close its gap in the time allowed)
    assert resolved.objective <= again.best_bound + 1e-7 and again.objective <= resolved.best_bound + 1e-7
    assert check_plan(changed, resolved) == []
    assert pulp_problem(derived).constraints["transition_budget"].constant == pytest.approx(-half)


def test_a_new_weight_or_limit_shares_what_did_not_change(model):
    weighted = model.with_weights(NEW_WEIGHTS)
    assert weighted.options is model.options
    assert not np.array_equal(weighted.value, model.value)
    # the balance rules are written in the options' values, so only their rows change
    rows = model.matrix.blocks[Family.FAIR_SHARE]
    assert not np.array_equal(weighted.matrix.data, model.matrix.data)
    np.testing.assert_array_equal(weighted.matrix.rhs, model.matrix.rhs)
    unbalanced = model.assessment.replace(rubric=model.rubric.model_copy(update={"balance": BalanceRules()}))
    plain = build_model(unbalanced)
    assert plain.matrix.n_v == 0 and rows.stop > rows.start
    assert plain.with_weights(NEW_WEIGHTS).matrix is plain.matrix
    budget = model.with_limit(Family.TRANSITION_BUDGET, 1234.0)
    assert budget.options is model.options and budget.value is model.value
    for name in ("indptr", "indices", "data", "sense"):
        assert getattr(budget.matrix, name) is getattr(model.matrix, name)
    block = model.matrix.blocks[Family.TRANSITION_BUDGET]
    assert budget.matrix.rhs[block.start] == 1234.0
    assert model.matrix.rhs[block.start] == model.scenario.transition_budget  # the original is untouched
    uniform = model.with_scenario(model.scenario.replace(offer="uniform"))
    assert uniform.options is model.options and uniform.matrix.n_y > 0 and model.matrix.n_y == 0


def test_the_model_cannot_be_changed_in_place(model):
    for array in (model.value, model.weights, model.matrix.rhs, model.matrix.data, model.options.terms, model.options.residents,
                  model.options.transition_cost, model.options.hours_available):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0
    with pytest.raises(AttributeError):
        model.value = np.zeros(3)


def test_a_rule_is_not_a_limit(model):
    with pytest.raises(KeyError, match="rule"):
        model.with_limit(Family.COHERENCE, 1)


def test_invalid_changes_fail_at_once_by_name(model):
    with pytest.raises(ValueError, match="weights"):
        model.with_weights({})
    with pytest.raises(ValueError, match="nope"):
        model.with_scenario(model.scenario.replace(configurations=("nope",)))


def test_a_model_travels_to_a_worker_process_and_solves_the_same(model):
    """A fresh interpreter (spawn, as a distributed worker would be) gets the model by pickle."""
    weighted = model.with_weights(NEW_WEIGHTS)
    assert pickle.loads(pickle.dumps(weighted)).scenario == weighted.scenario
    here = solve(weighted)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = pool.submit(solve, weighted).result()
    assert there.objective == pytest.approx(here.objective, abs=1e-9)
    assert there.decisions == here.decisions


def test_new_scores_rewrite_only_the_balance_rows_and_equal_a_fresh_build(model):
    """A sample of other scores splices new balance rows into the matrix; the result must be
    the matrix a fresh build would make, row for row."""
    from devolve.optimise.matrix import build_matrix, rebalanced
    from devolve.optimise.robust import as_weights, draws

    how = draws(model)
    for i in range(3):
        weights, scores = how.sample(7, i)
        options = model.options.rescored(scores, model.rubric)
        value = options.values(model.scenario.replace(weights=as_weights(weights)))
        spliced = rebalanced(model.matrix, options, model.rubric, value)
        fresh = build_matrix(options, model.scenario, model.rubric, value)
        assert spliced is not None
        for name in ("indptr", "indices", "data", "sense", "rhs"):
            np.testing.assert_array_equal(getattr(spliced, name), getattr(fresh, name))
        assert spliced.blocks == fresh.blocks
        assert spliced.sense is model.matrix.sense  # what did not change is shared
    # nothing to gain: no balance rows to write, so the matrix must be built again
    assert rebalanced(model.matrix, model.options, model.rubric, np.zeros_like(model.value)) is None
