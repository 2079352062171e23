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
from devolve.core.rubric import CoherenceRule, Rubric
from devolve.core.scenario import Scenario
from devolve.core.terms import Offer, Stage
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

    Columns, in order: the options x[a,n,c] (flat index k of :class:`OptionArrays`); under a
    uniform offer the offers y[a,c] (at ``y0 + a·C + c``); the partnerships z[s,n,c] (at
    ``z0 + (s·N + n)·C + c``); the neighbourhood bodies b[n,c] (at ``b0 + n·C + c``); where a
    devolved service must reach several neighbourhoods, the devolved services w[s] (at ``w0 + s``)
    and the neighbourhoods each reaches h[s,n] (at ``h0 + s·N + n``). Every column is 0 or 1 but
    the last, where the rubric balances the plan's value: the plan's positive value V (at ``v0``),
    a continuous column from 0 up, defined by the ``total_value`` row.
    """

    n_x: int
    n_y: int
    n_z: int
    n_b: int
    n_w: int
    n_h: int
    n_v: int
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
        return self.n_x + self.n_y + self.n_z + self.n_b + self.n_w + self.n_h + self.n_v

    @property
    def y0(self) -> int:
        return self.n_x

    @property
    def z0(self) -> int:
        return self.n_x + self.n_y

    @property
    def b0(self) -> int:
        return self.n_x + self.n_y + self.n_z

    @property
    def w0(self) -> int:
        return self.b0 + self.n_b

    @property
    def h0(self) -> int:
        return self.w0 + self.n_w

    @property
    def v0(self) -> int:
        return self.h0 + self.n_h

    @property
    def integral(self) -> np.ndarray:
        """Which columns must be whole (0 or 1): all but the plan's value."""
        mask = np.ones(self.n_cols, dtype=bool)
        mask[self.v0 :] = False
        return mask

    def settle(self, x: np.ndarray) -> np.ndarray:
        """``x`` with the plan's value column set from the decisions (after rounding them)."""
        if not self.n_v:
            return x
        block = self.blocks[Family.TOTAL_VALUE]
        lo, hi = self.indptr[block.start], self.indptr[block.start + 1]
        cols, vals = self.indices[lo:hi], self.data[lo:hi]
        keep = cols != self.v0
        out = x.copy()
        out[self.v0] = float(vals[keep] @ x[cols[keep]])
        return out

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

    def matrix(self, n_x: int, n_y: int, n_z: int, n_b: int, n_w: int, n_h: int, n_v: int) -> ModelMatrix:
        counts = np.concatenate(self.counts) if self.counts else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])

        def cat(parts, dtype):
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)

        return ModelMatrix(
            n_x=n_x,
            n_y=n_y,
            n_z=n_z,
            n_b=n_b,
            n_w=n_w,
            n_h=n_h,
            n_v=n_v,
            indptr=indptr,
            indices=cat(self.cols, np.int32),
            data=cat(self.vals, float),
            sense=cat(self.sense, np.int8),
            rhs=cat(self.rhs, float),
            blocks=self.blocks,
        )


def build_matrix(arr: OptionArrays, scenario: Scenario, rubric: Rubric, value: np.ndarray) -> ModelMatrix:
    """Every constraint family of docs/model.md as rows of one sparse matrix (vectorised).

    ``value`` is each option's value under the scenario: the rubric's balance rules are written in it."""
    A, N, C = arr.shape
    S = len(arr.partnership_services)
    K = arr.size
    uniform = scenario.offer == Offer.UNIFORM
    n_y = A * C if uniform else 0
    z0, b0 = K + n_y, K + n_y + S * N * C
    rows = _Rows()
    all_cols = np.arange(K, dtype=np.int32)
    ones = np.ones(K)
    hoods = [(h,) for h in arr.neighbourhood_ids]
    by_n = np.argsort(arr.n, kind="stable").astype(np.int32)
    per_n = np.bincount(arr.n, minlength=N)
    s_of = arr.service_of[arr.a].astype(np.int64)  # each option's service
    z_of = z0 + (s_of * N + arr.n) * C + arr.c  # each option's partnership column
    usable = np.zeros(S * N * C, dtype=bool)  # partnerships with an option on offer
    usable[(z_of - z0)[arr.open]] = True
    z_s, z_n, z_c = (v.ravel() for v in np.indices((S, N, C)))
    services = arr.partnership_services

    # one_configuration[a,n]: Σ_c x[a,n,c] ≤ 1 (options of one (a,n) are contiguous)
    if C > 1:
        rows.add(Family.ONE_CONFIGURATION, np.full(A * N, C), all_cols, ones, 1.0,
                 [(arr.activity_ids[a], arr.neighbourhood_ids[n]) for a in range(A) for n in range(N)])
    # partnership[a,n,c]: x[a,n,c] − z[s,n,c] ≤ 0, for every option on offer
    offered = np.flatnonzero(arr.open)
    rows.add(Family.PARTNERSHIP, np.full(len(offered), 2), np.stack([offered, z_of[offered]], axis=1).ravel(),
             np.tile([1.0, -1.0], len(offered)), 0.0,
             [(arr.activity_ids[arr.a[k]], arr.neighbourhood_ids[arr.n[k]], arr.configurations[arr.c[k]])
              for k in offered])
    # area_body[s,n,c]: z[s,n,c] − b[n,c] ≤ 0, where the arrangement has a body for the whole area
    bodied = np.flatnonzero(usable & (arr.area_setup[z_c] > 0))
    rows.add(Family.AREA_BODY, np.full(len(bodied), 2),
             np.stack([z0 + bodied, b0 + z_n[bodied] * C + z_c[bodied]], axis=1).ravel(),
             np.tile([1.0, -1.0], len(bodied)), 0.0,
             [(services[z_s[j]], arr.neighbourhood_ids[z_n[j]], arr.configurations[z_c[j]]) for j in bodied])
    # arrangements_per_service[s,n]: Σ_c z[s,n,c] ≤ the rubric's most
    most = rubric.partnerships.max_arrangements_per_service
    per_sn = usable.reshape(S * N, C).sum(axis=1)
    crowded = np.flatnonzero(per_sn > most)
    if len(crowded):
        cols = [z0 + g * C + c for g in crowded for c in range(C) if usable[g * C + c]]
        rows.add(Family.ARRANGEMENTS_PER_SERVICE, per_sn[crowded], cols, np.ones(len(cols)), float(most),
                 [(services[g // N], arr.neighbourhood_ids[g % N]) for g in crowded])
    # partnerships_per_neighbourhood[n]: Σ_{s,c} z[s,n,c] ≤ the rubric's most. A district of several
    # partnership areas sets each partnership up in every area, so each area's team holds them all
    in_n = np.flatnonzero(usable)
    in_n = in_n[np.argsort(z_n[in_n], kind="stable")]
    rows.add(Family.PARTNERSHIPS_PER_NEIGHBOURHOOD, np.bincount(z_n[in_n], minlength=N), z0 + in_n,
             np.ones(len(in_n)), np.full(N, float(rubric.partnerships.max_per_neighbourhood)), hoods)
    # assessment_not_alone[s,n]: Σ_c x[assessment] − Σ_{other activities of s} Σ_c x ≤ 0
    _assessment_rows(rows, arr, rubric)
    # several_neighbourhoods: a devolved service reaches at least k neighbourhoods
    w0 = b0 + N * C
    several = _several(rubric, N) > 1
    if several:
        _several_rows(rows, arr, usable, z0, w0, _several(rubric, N))
    # the balance of the plan's value: V = Σ v⁺·x; per neighbourhood and for co-delivery, a share of V
    n_w, n_h = (S, S * N) if several else (0, 0)
    balanced = (rubric.balance.fair_share > 0 or rubric.balance.co_delivery_share > 0) and _balance_rows(
        rows, arr, rubric, np.maximum(value, 0.0), b0 + N * C + n_w + n_h)
    # the budgets: Σ use·x ≤ limit, over every option or over each neighbourhood's options; the
    # transition budget also pays each partnership's and each neighbourhood body's set-up
    for budget in BUDGETS:
        family = budget.family
        use = arr.use(budget.resource)
        rhs = limit_rhs(family, scenario, arr)
        if budget.per_neighbourhood:
            rows.add(family, per_n, by_n, use[by_n], rhs, hoods)
        elif family == Family.TRANSITION_BUDGET:
            setups = arr.partnership_setup[z_c] * arr.partnership_areas[z_n]
            bodies = np.tile(arr.area_setup, N) * np.repeat(arr.partnership_areas, C)
            cols = np.concatenate([all_cols, z0 + np.arange(S * N * C), b0 + np.arange(N * C)])
            rows.add(family, [len(cols)], cols, np.concatenate([use, setups, bodies]), rhs, [()])
        else:
            rows.add(family, [K], all_cols, use, rhs, [()])
    # coherence[rule, service, n]: Σ_c x[stage] − Σ_c x[requires] ≤ 0
    _coherence_rows(rows, arr, rubric.coherence)
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
    return rows.matrix(K, n_y, S * N * C, N * C, n_w, n_h, 1 if balanced else 0)


def _balance_rows(rows: _Rows, arr: OptionArrays, rubric: Rubric, gain: np.ndarray, v0: int) -> bool:
    """total_value: Σ v⁺·x − V = 0; fair_share[n]: Σ_{options in n} v⁺·x − min(θ·Pₙ/P, Gₙ/G)·V ≥ 0;
    co_delivery_share: Σ_{management, delivery} v⁺·x − min(ψ, G_work/G)·V ≥ 0 (docs/model.md,
    section 6). G is what could be gained at most (each activity's best option, everywhere): a
    neighbourhood, or co-delivery, that could gain little is held to that, never to more. False
    when nothing could gain, so there is nothing to balance."""
    counted = np.flatnonzero(arr.open & (gain > 0))
    A, N, C = arr.shape
    best = np.where(arr.open, gain, 0.0).reshape(A, N, C).max(axis=2) if A * N * C else np.zeros((A, N))
    potential = best.sum()
    if potential <= 0:
        return False
    rows.add(Family.TOTAL_VALUE, [len(counted) + 1], np.append(counted, v0), np.append(gain[counted], -1.0), 0.0,
             [()])
    theta = rubric.balance.fair_share
    if theta > 0:
        # a neighbourhood that could not gain θ times its share of residents even with everything
        # devolved there is held to its share of what could be gained, which everything meets
        floor = np.minimum(theta * arr.population / arr.population.sum(), best.sum(axis=0) / potential)
        order = counted[np.argsort(arr.n[counted], kind="stable")]
        per_n = np.bincount(arr.n[order], minlength=len(floor))
        starts = np.concatenate([[0], np.cumsum(per_n)])
        cols = np.concatenate([np.append(order[a:b], v0) for a, b in zip(starts[:-1], starts[1:])])
        vals = np.concatenate([np.append(gain[order[a:b]], -floor[n])
                               for n, (a, b) in enumerate(zip(starts[:-1], starts[1:]))])
        rows.add(Family.FAIR_SHARE, per_n + 1, cols, vals, 0.0, [(h,) for h in arr.neighbourhood_ids])
    is_work = np.array([st in (Stage.MANAGEMENT, Stage.DELIVERY) for st in arr.stages], dtype=bool)
    phi = min(rubric.balance.co_delivery_share, float(best[is_work].sum()) / potential)
    if phi > 0:
        work = counted[is_work[arr.a[counted]]]
        rows.add(Family.CO_DELIVERY_SHARE, [len(work) + 1], np.append(work, v0),
                 np.append(gain[work], -phi), 0.0, [()])
    return True


BALANCE = (Family.TOTAL_VALUE, Family.FAIR_SHARE, Family.CO_DELIVERY_SHARE)
"""The families written in the options' values, added one after another."""


def rebalanced(mat: ModelMatrix, arr: OptionArrays, rubric: Rubric, value: np.ndarray) -> ModelMatrix | None:
    """``mat`` with its balance rows written again in new values, every other row shared: a
    sample of other weights and scores costs a few new rows, not a new matrix (a tenth of the
    time on the sample). None where the balance rows would change in number (when nothing could
    gain, or co-delivery could gain nothing): then the matrix must be built again."""
    old = [mat.blocks[f] for f in BALANCE if f in mat.blocks]
    if not old or not mat.n_v:
        return None
    rows = _Rows()
    rows.n = old[0].start
    if not _balance_rows(rows, arr, rubric, np.maximum(value, 0.0), mat.v0):
        return None
    if [(b.family, b.start, b.stop) for b in old] != [(b.family, b.start, b.stop) for b in rows.blocks.values()]:
        return None
    first, last = old[0].start, old[-1].stop
    lo, hi = mat.indptr[first], mat.indptr[last]
    counts = np.concatenate(rows.counts)
    middle = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=middle[1:])
    shift = middle[-1] - (hi - lo)
    indptr = np.concatenate([mat.indptr[:first], lo + middle[:-1], mat.indptr[last:] + shift])
    return dataclasses.replace(
        mat, indptr=indptr,
        indices=np.concatenate([mat.indices[:lo], np.concatenate(rows.cols), mat.indices[hi:]]),
        data=np.concatenate([mat.data[:lo], np.concatenate(rows.vals), mat.data[hi:]]))


def _several(rubric: Rubric, N: int) -> int:
    """How many neighbourhoods a devolved service must reach: the rubric's number, or all of them."""
    return min(rubric.partnerships.min_neighbourhoods_per_service, N)


def _several_rows(rows: _Rows, arr: OptionArrays, usable: np.ndarray, z0: int, w0: int, k: int) -> None:
    """The rule that a devolved service reaches at least k neighbourhoods, in its strongest form
    for the LP relaxation (docs/model.md, "Several neighbourhoods"):

    * partnership_not_empty[s,n,c]: z[s,n,c] − Σ_{a of s} x[a,n,c] ≤ 0 (so a neighbourhood cannot
      be counted through a partnership with nothing in it);
    * service_devolved[s,n,c]: z[s,n,c] − w[s] ≤ 0;
    * service_here[s,n]: h[s,n] − Σ_c z[s,n,c] ≤ 0;
    * several_neighbourhoods[s]: Σ_n h[s,n] − k·w[s] ≥ 0.
    """
    S, N, C = arr.partnerships_shape
    h0 = w0 + S
    zs = np.flatnonzero(usable)
    if not len(zs):
        return
    z_s, z_n, z_c = zs // (N * C), (zs // C) % N, zs % C
    z_scopes = [(arr.partnership_services[s], arr.neighbourhood_ids[n], arr.configurations[c])
                for s, n, c in zip(z_s, z_n, z_c)]
    offered = np.flatnonzero(arr.open)
    z_of = ((arr.service_of[arr.a[offered]].astype(np.int64) * N + arr.n[offered]) * C + arr.c[offered])
    order = np.argsort(z_of, kind="stable")
    starts, stops = np.searchsorted(z_of[order], zs), np.searchsorted(z_of[order], zs, side="right")
    x_cols = [offered[order[a:b]] for a, b in zip(starts, stops)]
    rows.add(Family.PARTNERSHIP_NOT_EMPTY, np.array([len(c) + 1 for c in x_cols]),
             np.concatenate([np.append(c, z0 + z) for c, z in zip(x_cols, zs)]),
             np.concatenate([np.append(-np.ones(len(c)), 1.0) for c in x_cols]), 0.0, z_scopes)
    rows.add(Family.SERVICE_DEVOLVED, np.full(len(zs), 2), np.stack([z0 + zs, w0 + z_s], axis=1).ravel(),
             np.tile([1.0, -1.0], len(zs)), 0.0, z_scopes)
    groups, first = np.unique(zs // C, return_index=True)  # (s, n) with a usable partnership
    ends = np.append(first[1:], len(zs))
    g_s, g_n = groups // N, groups % N
    rows.add(Family.SERVICE_HERE, ends - first + 1,
             np.concatenate([np.append(z0 + zs[a:b], h0 + g) for a, b, g in zip(first, ends, groups)]),
             np.concatenate([np.append(-np.ones(b - a), 1.0) for a, b in zip(first, ends)]), 0.0,
             [(arr.partnership_services[s], arr.neighbourhood_ids[n]) for s, n in zip(g_s, g_n)])
    served = np.unique(g_s)
    h_cols = [h0 + groups[g_s == s] for s in served]
    rows.add(Family.SEVERAL_NEIGHBOURHOODS, np.array([len(h) + 1 for h in h_cols]),
             np.concatenate([np.append(h, w0 + s) for h, s in zip(h_cols, served)]),
             np.concatenate([np.append(np.ones(len(h)), -float(k)) for h in h_cols]), 0.0,
             [(arr.partnership_services[s],) for s in served])


def _assessment_rows(rows: _Rows, arr: OptionArrays, rubric: Rubric) -> None:
    """For services whose assessment may not be devolved alone: per neighbourhood, the assessment's
    options minus every other activity's options of the service, at most 0."""
    A, N, C = arr.shape
    by_service: dict[int, list[int]] = {}
    for a in range(A):
        by_service.setdefault(int(arr.service_of[a]), []).append(a)
    counts, cols, vals, scopes = [], [], [], []
    for s, acts in by_service.items():
        if not arr.assessment_not_alone[s]:
            continue
        lonely = [a for a in acts if arr.stages[a] == Stage.ASSESSMENT]
        others = [a for a in acts if arr.stages[a] != Stage.ASSESSMENT]
        if not lonely:
            continue
        for n in range(N):
            mine = [arr.index(a, n, c) for a in lonely for c in range(C) if arr.open[arr.index(a, n, c)]]
            if not mine:
                continue
            theirs = [arr.index(a, n, c) for a in others for c in range(C) if arr.open[arr.index(a, n, c)]]
            counts.append(len(mine) + len(theirs))
            cols += mine + theirs
            vals += [1.0] * len(mine) + [-1.0] * len(theirs)
            scopes.append((arr.partnership_services[s], arr.neighbourhood_ids[n]))
    rows.add(Family.ASSESSMENT_NOT_ALONE, counts, cols, vals, 0.0, scopes)


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
