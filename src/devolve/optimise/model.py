"""The devolution model for one assessment: options, constraint matrix and objective, immutable.

Built once by :func:`build_model`. A new weight or limit gives a *new* model through
:meth:`DevolutionModel.with_weights`, :meth:`~DevolutionModel.with_limit` or
:meth:`~DevolutionModel.with_scenario`, which share every array that did not change (the option
grid always, the matrix unless its structure changes). Nothing in a model is ever changed in
place, so one model can serve several app sessions at once, or be sent to worker processes.

:func:`pulp_problem` writes the same model as a PuLP problem, one named ``LpConstraint`` per
row, each expression made from (variable, coefficient) pairs (never ``sum`` or ``+=`` over
terms): the model definition a later engineer extends, and what the exact method solves
through ``pulp.HiGHS`` or CBC.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pulp

from devolve.core.domain import Assessment
from devolve.core.limits import CATALOGUE, Family
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import Benefit
from devolve.optimise.matrix import EQ, GE, LE, ModelMatrix, build_matrix, limit_rhs, rebalanced
from devolve.optimise.options import OptionArrays, normalised_weights, option_arrays

@dataclass(frozen=True, eq=False)
class DevolutionModel:
    """The built model for one assessment under its scenario (see the module docstring)."""

    assessment: Assessment
    options: OptionArrays
    matrix: ModelMatrix
    weights: np.ndarray
    """The scenario's weights of the benefits, normalised to add up to one (BENEFITS order)."""
    value: np.ndarray
    """Each option's value v[a,n,c] under the scenario (its weights and residents' share)."""
    build_seconds: float

    def __post_init__(self) -> None:
        self.weights.flags.writeable = False
        self.value.flags.writeable = False

    @property
    def scenario(self) -> Scenario:
        return self.assessment.scenario

    @property
    def rubric(self) -> Rubric:
        return self.assessment.rubric

    def objective(self) -> np.ndarray:
        """The objective over every column (the y columns of a uniform offer are worth nothing)."""
        cost = np.zeros(self.matrix.n_cols)
        cost[: self.matrix.n_x] = self.value
        return cost

    # ------------------------------------------------------------------ new models from this one

    def with_scenario(self, scenario: Scenario, options: OptionArrays | None = None) -> DevolutionModel:
        """This model under another scenario, sharing whatever that scenario leaves unchanged;
        ``options`` are the same options valued on other scores (:meth:`OptionArrays.rescored`)."""
        t0 = time.perf_counter()
        old = self.scenario
        assessment = self.assessment if scenario is old else self.assessment.replace(scenario=scenario)
        if scenario.configurations != old.configurations:
            return build_model(assessment)
        revalued = (options is not None or scenario.weights != old.weights
                    or scenario.residents_share != old.residents_share)
        options, matrix = options or self.options, self.matrix
        weights, value = self.weights, self.value
        if revalued:
            weights = normalised_weights(scenario.weights)
            value = options.values(scenario)
        balanced = self.rubric.balance.fair_share > 0 or self.rubric.balance.co_delivery_share > 0
        if _reshaped(old, scenario):
            matrix = build_matrix(options, scenario, self.rubric, value)
        else:
            if revalued and balanced:
                # the balance rows are written in the options' values, so new values need new rows
                matrix = rebalanced(matrix, options, self.rubric, value) or build_matrix(
                    options, scenario, self.rubric, value)
            for family in matrix.blocks:
                setting = CATALOGUE[family].setting
                if CATALOGUE[family].stretchable and getattr(scenario, setting) != getattr(old, setting):
                    matrix = matrix.with_rhs(family, limit_rhs(family, scenario, options))
        return DevolutionModel(assessment, options, matrix, weights, value, time.perf_counter() - t0)

    def with_weights(self, weights: Mapping[Benefit, float], scores: np.ndarray | None = None) -> DevolutionModel:
        """New weights of the benefits (and, if given, other scores: (A, 4) as
        :meth:`OptionArrays.rescored` takes them): only the options' values change, so the
        objective, and the balance rules' rows, which are written in them."""
        options = None if scores is None else self.options.rescored(scores, self.rubric)
        return self.with_scenario(self.scenario.replace(weights=dict(weights)), options)

    def with_limit(self, family: Family, value: float) -> DevolutionModel:
        """A new value for one limit, in its setting's own terms (capacity: the share of hours)."""
        setting = CATALOGUE[Family(family)].setting
        if setting is None or not CATALOGUE[Family(family)].stretchable:
            raise KeyError(f"{family} is a rule, not a limit a scenario sets")
        return self.with_scenario(self.scenario.replace(**{setting: value}))


def _reshaped(old: Scenario, new: Scenario) -> bool:
    """Whether the matrix's rows or coefficients change, not only right-hand sides."""
    return (
        new.offer != old.offer
        or new.min_collective_share != old.min_collective_share  # the share is in the coefficients
        or (new.min_devolved_per_neighbourhood > 0) != (old.min_devolved_per_neighbourhood > 0)
    )


def implied_columns(model: DevolutionModel, chosen: np.ndarray) -> np.ndarray:
    """The columns options ``chosen`` (one flag per x) call for: an offer where an activity is
    chosen (uniform offer), a partnership where a service has a chosen option, every body its
    arrangement has in that neighbourhood, a devolved service and the neighbourhoods it reaches.
    V is left at 0."""
    mat, arr = model.matrix, model.options
    A, N, C = arr.shape
    S = len(arr.partnership_services)
    out = np.zeros(mat.n_cols)
    out[: mat.n_x] = chosen
    if mat.n_y:
        out[mat.y0 : mat.z0] = chosen.reshape(A, N, C).any(axis=1).reshape(-1)
    partnerships = np.zeros((S, N, C), dtype=bool)
    np.logical_or.at(partnerships, (arr.service_of[arr.a], arr.n, arr.c), chosen)
    out[mat.z0 : mat.b0] = partnerships.reshape(-1)
    out[mat.b0 : mat.w0] = partnerships.any(axis=0).reshape(-1)
    if mat.n_w:
        out[mat.w0 : mat.h0] = partnerships.any(axis=(1, 2))
        out[mat.h0 : mat.v0] = partnerships.any(axis=2).reshape(-1)
    return out


def build_model(assessment: Assessment) -> DevolutionModel:
    """Options valued and costed, and every constraint family as rows of one matrix."""
    t0 = time.perf_counter()
    options = option_arrays(assessment)
    weights = normalised_weights(assessment.scenario.weights)
    value = options.values(assessment.scenario)
    matrix = build_matrix(options, assessment.scenario, assessment.rubric, value)
    return DevolutionModel(assessment, options, matrix, weights, value, time.perf_counter() - t0)


@dataclass(frozen=True, eq=False)
class PulpModel:
    """A model as a PuLP problem: variables in column order, constraints by row name."""

    problem: pulp.LpProblem
    variables: list[pulp.LpVariable]
    constraints: dict[str, pulp.LpConstraint]


def pulp_problem(model: DevolutionModel, upper: np.ndarray | None = None) -> PulpModel:
    """The model as a new PuLP problem (built afresh each call: PuLP problems are mutable).

    ``upper`` bounds the columns (the dominance presolve fixes some at 0).
    """
    mat = model.matrix
    prob = pulp.LpProblem("devolution", pulp.LpMaximize)
    variables = []
    for name, count in (("x", mat.n_x), ("y", mat.n_y), ("z", mat.n_z), ("b", mat.n_b), ("w", mat.n_w),
                        ("h", mat.n_h)):
        variables += prob.add_variable_matrix(name, list(range(count)), lowBound=0, upBound=1, cat=pulp.LpBinary)
    if mat.n_v:
        variables.append(prob.add_variable("V", lowBound=0, cat=pulp.LpContinuous))
    xs = variables[: mat.n_x]
    if upper is not None:
        for var, ub in zip(variables, upper.tolist()):
            var.upBound = ub
    prob.setObjective(pulp.LpAffineExpression(zip(xs, model.value.tolist())))
    senses = {LE: pulp.LpConstraintLE, GE: pulp.LpConstraintGE, EQ: pulp.LpConstraintEQ}
    indptr, indices, data = mat.indptr, mat.indices.tolist(), mat.data.tolist()
    constraints = {}
    for i, name in enumerate(mat.row_names()):
        lo, hi = indptr[i], indptr[i + 1]
        expr = pulp.LpAffineExpression(zip([variables[j] for j in indices[lo:hi]], data[lo:hi]))
        con = pulp.LpConstraint(expr, senses[int(mat.sense[i])], name=name, rhs=float(mat.rhs[i]))
        prob.addConstraint(con, name=name)
        constraints[name] = con
    return PulpModel(prob, variables, constraints)
