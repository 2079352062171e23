"""The devolution MILP: built once as arrays, handed to PuLP or straight to HiGHS.

The model is defined once, as a sparse matrix in row order (CSR) with one named block of rows
per constraint family of docs/model.md. From it:

* :meth:`DevolutionModel.problem` builds the PuLP problem, one named ``LpConstraint`` per row,
  each expression made from (variable, coefficient) pairs (never ``sum`` or ``+=`` over terms).
  This is the model definition a later engineer extends (elastic slacks, duals) and what the
  exact method solves through ``pulp.HiGHS`` or ``pulp.PULP_CBC_CMD``.
* :mod:`devolve.optimise.solve` passes the same arrays to ``highspy`` in one call for large
  models, where PuLP's one-variable-at-a-time transfer would cost more than the solve.

Changing weights changes only the objective; changing a limit changes only a right-hand side.
Neither rebuilds the matrix (see :meth:`DevolutionModel.set_weights`, :meth:`set_limit`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pulp

from devolve.domain import Assessment, Criterion, Offer, Scenario, SolverName
from devolve.optimise.options import OptionArrays, normalised_weights, option_arrays

LE, GE, EQ = -1, 1, 0

FAMILIES: dict[str, tuple[str, str]] = {
    # family: (plain words, unit)
    "one_configuration": ("At most one arrangement per activity and neighbourhood", "activities"),
    "transition_budget": ("One-off transition budget", "£"),
    "running_cost": ("Change in annual running cost", "£"),
    "contingency_reserve": ("Contingency reserve", "£"),
    "capacity": ("Volunteer hours", "hours"),
    "coherence": ("Value-chain coherence", "activities"),
    "uniform_offer": ("Same offer in every neighbourhood", "activities"),
    "collective_share": ("Share of devolved activities run collectively", "share"),
    "equity": ("Devolved activities per neighbourhood", "activities"),
}
LIMIT_FAMILIES = ("transition_budget", "running_cost", "contingency_reserve", "capacity",
                  "collective_share", "equity")
"""Families reported as limits in a plan (the rest are structural rules)."""

SETTABLE_LIMITS = {
    "transition_budget": "transition_budget",
    "running_cost": "running_cost_limit",
    "contingency_reserve": "contingency_reserve",
    "capacity_use": "capacity_use",
    "collective_share": "min_collective_share",
    "equity": "min_devolved_per_neighbourhood",
}
"""Names accepted by :meth:`DevolutionModel.set_limit`, and the scenario field each sets."""


@dataclass
class RowBlock:
    """A named family of rows: rows ``start..stop`` of the matrix, one scope per row."""

    family: str
    start: int
    stop: int
    scopes: list[tuple]  # e.g. [(activity_id, neighbourhood_id)] or [(neighbourhood_id,)] or [()]

    def name(self, i: int) -> str:
        scope = self.scopes[i - self.start]
        return f"{self.family}[{','.join(scope)}]" if scope else self.family


@dataclass
class ModelMatrix:
    """Constraint matrix in CSR form with senses and right-hand sides, and its row families.

    Columns ``0..n_x-1`` are the options x[a,n,c] (flat index k of :class:`OptionArrays`);
    under a uniform offer, columns ``n_x..n_x+n_y-1`` are y[a,c] at ``n_x + a·C + c``.
    """

    n_x: int
    n_y: int
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    sense: np.ndarray
    rhs: np.ndarray
    blocks: dict[str, RowBlock] = field(default_factory=dict)

    @property
    def n_cols(self) -> int:
        return self.n_x + self.n_y

    @property
    def n_rows(self) -> int:
        return len(self.rhs)

    def row_names(self) -> list[str]:
        names: list[str] = []
        for block in self.blocks.values():
            names.extend(block.name(i) for i in range(block.start, block.stop))
        return names

    def activity(self, x: np.ndarray) -> np.ndarray:
        """Row activities A·x."""
        if self.n_rows == 0:
            return np.zeros(0)
        prod = self.data * x[self.indices]
        out = np.zeros(self.n_rows)
        lengths = np.diff(self.indptr)
        nz = lengths > 0
        out[nz] = np.add.reduceat(prod, self.indptr[:-1][nz]) if prod.size else 0.0
        return out

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lower = np.where(self.sense == LE, -np.inf, self.rhs)
        upper = np.where(self.sense == GE, np.inf, self.rhs)
        return lower, upper


class _Rows:
    """Collects row blocks (each already in row order) into one CSR matrix."""

    def __init__(self) -> None:
        self.counts: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.sense: list[np.ndarray] = []
        self.rhs: list[np.ndarray] = []
        self.blocks: dict[str, RowBlock] = {}
        self.n = 0

    def add(self, family: str, counts, cols, vals, sense: int, rhs, scopes: list[tuple]) -> None:
        m = len(scopes)
        if m == 0:
            return
        self.counts.append(np.asarray(counts, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int32))
        self.vals.append(np.asarray(vals, dtype=float))
        self.sense.append(np.full(m, sense, dtype=np.int8))
        self.rhs.append(np.broadcast_to(np.asarray(rhs, dtype=float), (m,)).copy())
        self.blocks[family] = RowBlock(family, self.n, self.n + m, scopes)
        self.n += m

    def matrix(self, n_x: int, n_y: int) -> ModelMatrix:
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])

        def cat(parts, dtype):
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

        return ModelMatrix(
            n_x=n_x,
            n_y=n_y,
            indptr=indptr,
            indices=cat(self.cols, np.int32),
            data=cat(self.vals, float),
            sense=cat(self.sense, np.int8),
            rhs=cat(self.rhs, float),
            blocks=self.blocks,
        )


def build_matrix(arr: OptionArrays, scenario: Scenario, rules) -> ModelMatrix:
    """Every constraint family of docs/model.md as rows of one sparse matrix (vectorised)."""
    A, N, C = arr.shape
    K = arr.size
    uniform = scenario.offer == Offer.UNIFORM
    n_y = A * C if uniform else 0
    rows = _Rows()
    all_cols = np.arange(K, dtype=np.int32)
    ones = np.ones(K)

    # one_configuration[a,n]: Σ_c x[a,n,c] ≤ 1 (options of one (a,n) are contiguous)
    if C > 1:
        rows.add("one_configuration", np.full(A * N, C), all_cols, ones, LE, 1.0,
                 [(arr.activity_ids[a], arr.neighbourhood_ids[n]) for a in range(A) for n in range(N)])
    # global budgets
    rows.add("transition_budget", [K], all_cols, arr.transition, LE, scenario.transition_budget, [()])
    rows.add("running_cost", [K], all_cols, arr.running, LE, scenario.running_cost_limit, [()])
    rows.add("contingency_reserve", [K], all_cols, arr.contingency, LE, scenario.contingency_reserve, [()])
    # capacity[n]: Σ_{a,c} h x ≤ capacity_use · hours_n
    by_n = np.argsort(arr.n, kind="stable").astype(np.int32)
    rows.add("capacity", np.bincount(arr.n, minlength=N), by_n, arr.hours[by_n], LE,
             scenario.capacity_use * arr.volunteer_hours, [(h,) for h in arr.neighbourhood_ids])
    # coherence[rule, service, n]: Σ_c x[stage] − Σ_c x[requires] ≤ 0
    _coherence_rows(rows, arr, rules)
    # uniform_offer[a,n,c]: x[a,n,c] − y[a,c] = 0
    if uniform:
        y_col = K + arr.a.astype(np.int64) * C + arr.c
        cols = np.stack([all_cols, y_col], axis=1).ravel()
        vals = np.tile([1.0, -1.0], K)
        rows.add("uniform_offer", np.full(K, 2), cols, vals, EQ, 0.0,
                 [(arr.activity_ids[a], arr.neighbourhood_ids[n], arr.configurations[c])
                  for a in range(A) for n in range(N) for c in range(C)])
    # collective_share: Σ_coll x ≥ m Σ x  ⇔  Σ (collective − m) x ≥ 0
    m = scenario.min_collective_share
    if m > 0:
        rows.add("collective_share", [K], all_cols, arr.collective.astype(float) - m, GE, 0.0, [()])
    # equity[n]: Σ_{a,c} x[a,n,c] ≥ e
    e = scenario.min_devolved_per_neighbourhood
    if e > 0:
        rows.add("equity", np.bincount(arr.n, minlength=N), by_n, np.ones(K), GE, float(e),
                 [(h,) for h in arr.neighbourhood_ids])
    return rows.matrix(K, n_y)


def coherence_pairs(arr: OptionArrays, rules) -> list[tuple[int, int, int]]:
    """(rule index, dependent activity, required activity or −1 if retained or absent)."""
    where = {(s, st): i for i, (s, st) in enumerate(zip(arr.service_ids, arr.stages))}
    pairs = []
    for r, rule in enumerate(rules):
        for i, (s, st) in enumerate(zip(arr.service_ids, arr.stages)):
            if st == rule.stage:
                pairs.append((r, i, where.get((s, rule.requires), -1)))
    return pairs


def _coherence_rows(rows: _Rows, arr: OptionArrays, rules) -> None:
    A, N, C = arr.shape
    pairs = coherence_pairs(arr, rules)
    if not pairs or N == 0:
        return
    P = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    dep = P[:, 1][:, None, None] * N * C + np.arange(N)[None, :, None] * C + np.arange(C)[None, None, :]
    req = P[:, 2][:, None, None] * N * C + np.arange(N)[None, :, None] * C + np.arange(C)[None, None, :]
    has_req = np.broadcast_to((P[:, 2] >= 0)[:, None, None], req.shape)
    # per row: C dependent entries then (if any) C required entries
    cols = np.concatenate([dep, np.where(has_req, req, -1)], axis=2).reshape(-1)
    vals = np.concatenate([np.ones_like(dep, float), -np.ones_like(req, float)], axis=2).reshape(-1)
    keep = cols >= 0
    counts = np.where(P[:, 2] >= 0, 2 * C, C).repeat(N)
    scopes = [
        (f"{rules[r].stage.value}>{rules[r].requires.value}", arr.service_ids[d], arr.neighbourhood_ids[n])
        for r, d, _ in pairs
        for n in range(N)
    ]
    rows.add("coherence", counts, cols[keep], vals[keep], LE, 0.0, scopes)


class DevolutionModel:
    """The built model for one assessment, kept so that weights and limits can change cheaply.

    ``problem`` (the PuLP model) is built on first use; ``constraints`` maps each row's name,
    e.g. ``"capacity[N03]"``, to its ``LpConstraint``; ``variables`` lists x (then y) in column
    order.
    """

    def __init__(self, assessment: Assessment, *, progress: Callable[[str], None] | None = None):
        t0 = time.perf_counter()
        self.assessment = assessment
        self.scenario: Scenario = assessment.scenario
        self.rules = assessment.rubric.coherence
        self.options: OptionArrays = option_arrays(assessment)
        self.weights = normalised_weights(self.scenario.weights)
        self.value = self.options.values(self.weights)
        self.matrix = build_matrix(self.options, self.scenario, self.rules)
        self._problem: pulp.LpProblem | None = None
        self.variables: list[pulp.LpVariable] = []
        self.constraints: dict[str, pulp.LpConstraint] = {}
        self.build_seconds = time.perf_counter() - t0
        self.progress = progress

    # ------------------------------------------------------------------ changes without rebuild

    def set_weights(self, weights: Mapping[Criterion, float]) -> None:
        """New criterion weights: only the objective changes."""
        self.weights = normalised_weights(weights)
        self.value = self.options.values(self.weights)
        self.scenario = self.scenario.model_copy(update={"weights": dict(weights)})
        if self._problem is not None:
            self._problem.setObjective(self._objective_expression())

    def set_limit(self, name: str, value: float) -> None:
        """A new value for one limit; names as in ``SETTABLE_LIMITS``.

        Budgets and capacity change a right-hand side only. Switching the collective share or
        equity floor on or off (or changing the share) changes rows, so those rebuild the matrix.
        """
        if name not in SETTABLE_LIMITS:
            raise KeyError(f"unknown limit {name!r}; one of {sorted(SETTABLE_LIMITS)}")
        field_name = SETTABLE_LIMITS[name]
        if field_name == "min_devolved_per_neighbourhood":
            value = int(value)
        old = getattr(self.scenario, field_name)
        self.scenario = Scenario.model_validate({**self.scenario.model_dump(), field_name: value})
        blocks = self.matrix.blocks
        if name in ("transition_budget", "running_cost", "contingency_reserve"):
            self._set_rhs(blocks[name].start, np.array([float(value)]))
        elif name == "capacity_use":
            b = blocks["capacity"]
            self._set_rhs(b.start, float(value) * self.options.volunteer_hours)
        elif name == "equity" and old > 0 and value > 0:
            b = blocks["equity"]
            self._set_rhs(b.start, np.full(b.stop - b.start, float(value)))
        elif old != value:
            self.rebuild()

    def rebuild(self) -> None:
        """Rebuild the matrix (and drop the PuLP problem) after a change of structure."""
        self.matrix = build_matrix(self.options, self.scenario, self.rules)
        self._problem = None
        self.constraints = {}
        self.variables = []

    def _set_rhs(self, start: int, values: np.ndarray) -> None:
        stop = start + len(values)
        self.matrix.rhs[start:stop] = values
        if self._problem is not None:
            names = self._row_names[start:stop]
            for nm, v in zip(names, values):
                self.constraints[nm].changeRHS(float(v))

    # ------------------------------------------------------------------ PuLP model

    @property
    def problem(self) -> pulp.LpProblem:
        """The PuLP problem, built on first use from the same arrays the solver sees."""
        if self._problem is None:
            self._build_problem()
        assert self._problem is not None
        return self._problem

    def _objective_expression(self) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression(zip(self.variables[: self.matrix.n_x], self.value.tolist()))

    def _build_problem(self) -> None:
        mat = self.matrix
        prob = pulp.LpProblem("devolution", pulp.LpMaximize)
        xs = prob.add_variable_matrix("x", list(range(mat.n_x)), lowBound=0, upBound=1, cat=pulp.LpBinary)
        ys = prob.add_variable_matrix("y", list(range(mat.n_y)), lowBound=0, upBound=1, cat=pulp.LpBinary)
        self.variables = xs + ys
        prob.setObjective(self._objective_expression())
        senses = {LE: pulp.LpConstraintLE, GE: pulp.LpConstraintGE, EQ: pulp.LpConstraintEQ}
        self._row_names = mat.row_names()
        variables = self.variables
        indptr, indices, data = mat.indptr, mat.indices.tolist(), mat.data.tolist()
        constraints = {}
        for i, nm in enumerate(self._row_names):
            lo, hi = indptr[i], indptr[i + 1]
            expr = pulp.LpAffineExpression(
                zip([variables[j] for j in indices[lo:hi]], data[lo:hi])
            )
            con = pulp.LpConstraint(expr, senses[int(mat.sense[i])], name=nm, rhs=float(mat.rhs[i]))
            prob.addConstraint(con, name=nm)
            constraints[nm] = con
        self.constraints = constraints
        self._problem = prob

    # ------------------------------------------------------------------ solving

    def solve(
        self,
        *,
        time_limit: float | None = None,
        relative_gap: float | None = None,
        solver: str | SolverName | None = None,
        start=None,
        method: str = "auto",
    ):  # -> Plan
        """Solve under the current weights and limits; returns a :class:`~devolve.plan.Plan`.

        ``method``: "auto" (exact MILP when small, else LP relaxation, fix and repair),
        "exact" or "lp_fix". ``start``: a previous Plan used as a starting solution.
        """
        from devolve.optimise.solve import solve_model

        return solve_model(
            self,
            time_limit=self.scenario.time_limit_seconds if time_limit is None else time_limit,
            relative_gap=self.scenario.relative_gap if relative_gap is None else relative_gap,
            solver=SolverName(solver) if solver is not None else self.scenario.solver,
            start=start,
            method=method,
        )

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)
