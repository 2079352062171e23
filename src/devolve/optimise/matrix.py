"""The devolution MILP's constraints as one sparse matrix, one named block of rows per family.

Built once, vectorised, in row order (CSR), from the option grid and the scenario; each block is
a constraint family of ``docs/model.md`` (see :data:`devolve.core.limits.CATALOGUE`). The arrays
are read-only: a model with a new limit gets a new right-hand side and shares the rest.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from devolve.core.limits import BUDGETS, CATALOGUE, Family, Sense
from devolve.core.rubric import CoherenceRule
from devolve.core.scenario import Scenario
from devolve.core.terms import Offer
from devolve.optimise.options import OptionArrays

LE, GE, EQ = -1, 1, 0
"""Row senses as stored in :attr:`ModelMatrix.sense`."""
_SENSE = {Sense.AT_MOST: LE, Sense.AT_LEAST: GE, Sense.EQUAL: EQ}


@dataclass(frozen=True)
class RowBlock:
    """A named family of rows: rows ``start..stop`` of the matrix, one scope per row."""

    family: Family
    start: int
    stop: int
    scopes: tuple[tuple[str, ...], ...]
    """Per row, e.g. (activity_id, neighbourhood_id), (neighbourhood_id,) or () for a single row."""

    def name(self, i: int) -> str:
        scope = self.scopes[i - self.start]
        return f"{self.family.value}[{','.join(scope)}]" if scope else self.family.value

    def neighbourhood(self, i: int) -> str | None:
        """The neighbourhood of row ``i`` of a per-neighbourhood limit, else None."""
        return self.scopes[i - self.start][0] if CATALOGUE[self.family].per_neighbourhood else None


@dataclass(frozen=True, eq=False)
class ModelMatrix:
    """Constraint matrix in CSR form with senses and right-hand sides, and its row blocks.

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
    blocks: dict[Family, RowBlock]

    def __post_init__(self) -> None:
        for a in (self.indptr, self.indices, self.data, self.sense, self.rhs):
            a.flags.writeable = False

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

    def block_of(self, row: int) -> RowBlock:
        return next(b for b in self.blocks.values() if b.start <= row < b.stop)

    def row_totals(self, x: np.ndarray) -> np.ndarray:
        """What ``x`` puts on each row: A·x."""
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

    def with_rhs(self, family: Family, values: np.ndarray | float) -> ModelMatrix:
        """The same matrix with new right-hand sides for one family's rows (the rest shared)."""
        block = self.blocks[family]
        rhs = self.rhs.copy()
        rhs[block.start:block.stop] = values
        return dataclasses.replace(self, rhs=rhs)


def limit_rhs(family: Family, scenario: Scenario, arr: OptionArrays) -> np.ndarray | float:
    """The right-hand side of a limit's rows under ``scenario`` (docs/model.md)."""
    if family == Family.CAPACITY:
        return scenario.capacity_use * arr.hours_available
    if family == Family.COLLECTIVE_SHARE:
        return 0.0  # the share sits in the coefficients: Σ (collective − m) x ≥ 0
    return float(getattr(scenario, CATALOGUE[family].setting))


class _Rows:
    """Collects row blocks (each already in row order) into one CSR matrix."""

    def __init__(self) -> None:
        self.counts: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.sense: list[np.ndarray] = []
        self.rhs: list[np.ndarray] = []
        self.blocks: dict[Family, RowBlock] = {}
        self.n = 0

    def add(self, family: Family, counts, cols, vals, rhs, scopes: Sequence[tuple[str, ...]]) -> None:
        m = len(scopes)
        if m == 0:
            return
        self.counts.append(np.asarray(counts, dtype=np.int64))
        self.cols.append(np.asarray(cols, dtype=np.int32))
        self.vals.append(np.asarray(vals, dtype=float))
        self.sense.append(np.full(m, _SENSE[CATALOGUE[family].sense], dtype=np.int8))
        self.rhs.append(np.broadcast_to(np.asarray(rhs, dtype=float), (m,)).copy())
        self.blocks[family] = RowBlock(family, self.n, self.n + m, tuple(scopes))
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


def build_matrix(arr: OptionArrays, scenario: Scenario, rules: Sequence[CoherenceRule]) -> ModelMatrix:
    """Every constraint family of docs/model.md as rows of one sparse matrix (vectorised)."""
    A, N, C = arr.shape
    K = arr.size
    uniform = scenario.offer == Offer.UNIFORM
    n_y = A * C if uniform else 0
    rows = _Rows()
    all_cols = np.arange(K, dtype=np.int32)
    ones = np.ones(K)
    hoods = [(h,) for h in arr.neighbourhood_ids]
    by_n = np.argsort(arr.n, kind="stable").astype(np.int32)
    per_n = np.bincount(arr.n, minlength=N)

    # one_configuration[a,n]: Σ_c x[a,n,c] ≤ 1 (options of one (a,n) are contiguous)
    if C > 1:
        rows.add(Family.ONE_CONFIGURATION, np.full(A * N, C), all_cols, ones, 1.0,
                 [(arr.activity_ids[a], arr.neighbourhood_ids[n]) for a in range(A) for n in range(N)])
    # the budgets: Σ use·x ≤ limit, over every option or over each neighbourhood's options
    for budget in BUDGETS:
        family = budget.family
        use = arr.use(budget.resource)
        rhs = limit_rhs(family, scenario, arr)
        if budget.per_neighbourhood:
            rows.add(family, per_n, by_n, use[by_n], rhs, hoods)
        else:
            rows.add(family, [K], all_cols, use, rhs, [()])
    # coherence[rule, service, n]: Σ_c x[stage] − Σ_c x[requires] ≤ 0
    _coherence_rows(rows, arr, rules)
    # uniform_offer[a,n,c]: x[a,n,c] − y[a,c] = 0
    if uniform:
        y_col = K + arr.a.astype(np.int64) * C + arr.c
        cols = np.stack([all_cols, y_col], axis=1).ravel()
        vals = np.tile([1.0, -1.0], K)
        rows.add(Family.UNIFORM_OFFER, np.full(K, 2), cols, vals, 0.0,
                 [(arr.activity_ids[a], arr.neighbourhood_ids[n], arr.configurations[c])
                  for a in range(A) for n in range(N) for c in range(C)])
    # collective_share: Σ_coll x ≥ m Σ x  ⇔  Σ (collective − m) x ≥ 0
    m = scenario.min_collective_share
    if m > 0:
        rows.add(Family.COLLECTIVE_SHARE, [K], all_cols, arr.collective.astype(float) - m, 0.0, [()])
    # equity[n]: Σ_{a,c} x[a,n,c] ≥ e
    if scenario.min_devolved_per_neighbourhood > 0:
        rows.add(Family.EQUITY, per_n, by_n, np.ones(K), limit_rhs(Family.EQUITY, scenario, arr), hoods)
    return rows.matrix(K, n_y)


def coherence_pairs(arr: OptionArrays, rules: Sequence[CoherenceRule]) -> list[tuple[int, int, int]]:
    """(rule index, dependent activity, required activity or −1 if retained or absent)."""
    where = {(s, st): i for i, (s, st) in enumerate(zip(arr.service_ids, arr.stages))}
    pairs = []
    for r, rule in enumerate(rules):
        for i, (s, st) in enumerate(zip(arr.service_ids, arr.stages)):
            if st == rule.stage:
                pairs.append((r, i, where.get((s, rule.requires), -1)))
    return pairs


def _coherence_rows(rows: _Rows, arr: OptionArrays, rules: Sequence[CoherenceRule]) -> None:
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
    rows.add(Family.COHERENCE, counts, cols[keep], vals[keep], 0.0, scopes)
