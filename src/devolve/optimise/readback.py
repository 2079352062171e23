"""Reading a plan back: from a solver's column vector to a :class:`~devolve.core.plan.Plan`.

The status, bound and gap are stated honestly: the bound is never below the plan's own value,
the gap is measured against it, and "within gap" or "optimal" are claimed only when proven.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from devolve.core.limits import CATALOGUE, LIMITS, Family, Resource, Sense
from devolve.core.plan import (
    Decision,
    LimitUse,
    NeighbourhoodBody,
    Partnership,
    Plan,
    PlanMethod,
    PlanStatus,
    SolveNote,
)
from devolve.core.terms import BENEFITS
from devolve.optimise.model import DevolutionModel, implied_columns

BINDING_SHARE = 0.005
"""A budget counts as binding when less than this share of it is left (or too little is left
to pay for any option still worth having)."""


@dataclass
class RawSolution:
    """What a solve produced, before it becomes a Plan."""

    x: np.ndarray | None
    status: PlanStatus
    method: PlanMethod
    solver: str
    best_bound: float | None
    solve_seconds: float
    notes: list[SolveNote] = field(default_factory=list)
    lp_basis: object | None = None
    """The LP relaxation's optimal basis (fix and repair only): where a re-plan of the same model
    under other values starts its simplex (see :func:`~devolve.optimise.repair.solve_lp_fix`)."""


def plan_vector(model: DevolutionModel, plan: Plan, upper: np.ndarray | None = None) -> np.ndarray:
    """A plan as the model's column vector (see :func:`complete`), within ``upper``.

    Decisions the model does not know (another assessment's) are left out.
    """
    arr = model.options
    a_of = {a: i for i, a in enumerate(arr.activity_ids)}
    n_of = {n: i for i, n in enumerate(arr.neighbourhood_ids)}
    c_of = {c: i for i, c in enumerate(arr.configurations)}
    x = np.zeros(model.matrix.n_x)
    for d in plan.decisions:
        a = a_of.get(d.activity_id)
        if a is not None and d.neighbourhood_id in n_of and d.configuration in c_of:
            x[arr.index(a, n_of[d.neighbourhood_id], c_of[d.configuration])] = 1
    full = complete(model, x)
    return full if upper is None else np.minimum(full, upper)


def complete(model: DevolutionModel, x: np.ndarray) -> np.ndarray:
    """The whole column vector the decisions ``x`` imply: an offer where an activity is devolved
    (uniform offer), a partnership where a service has a devolved activity, a neighbourhood body
    where an arrangement has a partnership, a devolved service and the neighbourhoods it reaches.
    A solver may set one up with nothing in it; the plan never pays for that."""
    mat, arr = model.matrix, model.options
    full = implied_columns(model, x[: mat.n_x] > 0.5)
    # a body is paid for only where its arrangement has an area fee
    bodies = full[mat.b0 : mat.w0].reshape(len(arr.neighbourhood_ids), len(arr.configurations))
    full[mat.b0 : mat.w0] = (bodies * (arr.area_setup > 0)).reshape(-1)
    return mat.settle(full)


def gap_status(objective: float, bound: float, relative_gap: float) -> PlanStatus:
    gap = (bound - objective) / max(abs(objective), 1e-9)
    if gap <= 1e-9:
        return PlanStatus.OPTIMAL
    return PlanStatus.WITHIN_GAP if gap <= relative_gap * (1 + 1e-9) + 1e-12 else PlanStatus.FEASIBLE


def extract_plan(model: DevolutionModel, raw: RawSolution, *, relative_gap: float, build_seconds: float,
                 solve_seconds: float) -> Plan:
    objective = gap = None
    decisions: tuple[Decision, ...] = ()
    limits: tuple[LimitUse, ...] = ()
    x = complete(model, raw.x) if raw.status.has_plan and raw.x is not None else None
    partnerships: tuple[Partnership, ...] = ()
    bodies: tuple[NeighbourhoodBody, ...] = ()
    if x is not None:
        chosen = np.flatnonzero(x[: model.matrix.n_x] > 0.5)
        objective = float(model.value[chosen].sum())
        decisions = _decisions(model, chosen)
        partnerships, bodies = _partnerships(model, x)
        limits = limit_uses(model, x)
    bound = raw.best_bound
    status = raw.status
    if objective is not None and bound is not None:
        bound = max(bound, objective)
        gap = (bound - objective) / max(abs(objective), 1e-9)
        if gap <= 1e-9:
            gap = 0.0
        status = gap_status(objective, bound, relative_gap)
    elif objective is not None:
        status = PlanStatus.FEASIBLE
    return Plan(
        scenario_name=model.scenario.name,
        method=raw.method,
        solver=raw.solver,
        status=status,
        objective=objective,
        best_bound=bound,
        gap=gap,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        extract_seconds=0.0,
        decisions=decisions,
        partnerships=partnerships,
        bodies=bodies,
        limits=limits,
        retained=model.options.retained,
        notes=tuple(raw.notes),
    )


def _partnerships(model: DevolutionModel, x: np.ndarray) -> tuple[tuple[Partnership, ...],
                                                                   tuple[NeighbourhoodBody, ...]]:
    """The partnerships and neighbourhood bodies a completed solution sets up, with their set-up."""
    mat, arr = model.matrix, model.options
    S, N, C = arr.partnerships_shape
    activities = np.zeros((S, N, C), dtype=np.int64)
    chosen = x[: mat.n_x] > 0.5
    np.add.at(activities, (arr.service_of[arr.a][chosen], arr.n[chosen], arr.c[chosen]), 1)
    partnerships = tuple(
        Partnership(service_id=arr.partnership_services[s], neighbourhood_id=arr.neighbourhood_ids[n],
                    configuration=arr.configurations[c], activities=int(activities[s, n, c]),
                    setup_cost=float(arr.partnership_setup[c] * arr.partnership_areas[n]))
        for s, n, c in zip(*np.nonzero(x[mat.z0 : mat.b0].reshape(S, N, C) > 0.5))
    )
    bodies = tuple(
        NeighbourhoodBody(neighbourhood_id=arr.neighbourhood_ids[n], configuration=arr.configurations[c],
                          setup_cost=float(arr.area_setup[c] * arr.partnership_areas[n]))
        for n, c in zip(*np.nonzero(x[mat.b0 : mat.w0].reshape(N, C) > 0.5))
    )
    return partnerships, bodies


def _decisions(model: DevolutionModel, chosen: np.ndarray) -> tuple[Decision, ...]:
    arr = model.options
    contrib = arr.contributions(model.scenario)[chosen]
    a, n, c = arr.a[chosen].tolist(), arr.n[chosen].tolist(), arr.c[chosen].tolist()
    uses = {r.value: arr.use(r)[chosen].tolist() for r in Resource}
    values = contrib.sum(axis=1).tolist()
    contrib_rows = contrib.tolist()
    out = []
    for i in range(len(chosen)):
        ai = a[i]
        # model_construct: the numbers come straight from validated arrays; a plan of a large
        # council holds a hundred thousand decisions, and validating each again costs seconds
        out.append(Decision.model_construct(
            service_id=arr.service_ids[ai],
            stage=arr.stages[ai],
            neighbourhood_id=arr.neighbourhood_ids[n[i]],
            configuration=arr.configurations[c[i]],
            value=values[i],
            contributions=dict(zip(BENEFITS, contrib_rows[i])),
            annual_cost=float(arr.annual_cost[chosen[i]]),
            residents=float(arr.residents[chosen[i]]),
            **{resource: column[i] for resource, column in uses.items()},
        ))
    return tuple(out)


def needs(model: DevolutionModel, x: np.ndarray, resource: Resource) -> np.ndarray:
    """What each option would use of ``resource`` if the plan ``x`` (completed) took it on: its
    own use and, for the transition budget, its partnership's and neighbourhood body's set-up
    where the plan has not set them up already."""
    arr, mat = model.options, model.matrix
    own = arr.use(resource)
    if resource != Resource.TRANSITION_COST:
        return own
    S, N, C = arr.partnerships_shape
    z = x[mat.z0 : mat.b0].reshape(S, N, C)[arr.service_of[arr.a], arr.n, arr.c] > 0.5
    b = x[mat.b0 : mat.w0].reshape(N, C)[arr.n, arr.c] > 0.5
    areas = arr.partnership_areas[arr.n]
    return own + np.where(z, 0.0, arr.partnership_setup[arr.c] * areas) + np.where(b, 0.0, arr.area_setup[arr.c] * areas)


def limit_uses(model: DevolutionModel, x: np.ndarray) -> tuple[LimitUse, ...]:
    """How much of every limit the plan uses, and whether it binds.

    A budget binds when almost none of it is left, or what is left could not pay for any
    improvement still worth having: devolving another activity in a neighbourhood, or moving a
    devolved one to an arrangement worth more (which needs only the difference in resources).
    A floor binds when it stops the plan from going one step lower.
    """
    arr, mat = model.options, model.matrix
    A, N, C = arr.shape
    act = mat.row_totals(x)
    xs = x[: mat.n_x]
    chosen = (xs > 0.5).reshape(A * N, C) if C else np.zeros((0, 0), bool)
    current_value = np.repeat((model.value.reshape(A * N, C) * chosen).sum(axis=1), C) if C else xs
    open_option = (model.value > current_value + 1e-12) & ~chosen.reshape(-1) & arr.open

    def extra_need(resource: Resource) -> np.ndarray:
        """What each option needs beyond what its activity and neighbourhood already use."""
        coef = needs(model, x, resource)
        if not C:
            return coef
        return coef - np.repeat((arr.use(resource).reshape(A * N, C) * chosen).sum(axis=1), C)

    out: list[LimitUse] = []
    for limit_family in LIMITS:
        family = limit_family.family
        block = mat.blocks.get(family)
        if block is None:
            continue
        for i in range(block.start, block.stop):
            hood = block.neighbourhood(i)
            limit, used = float(mat.rhs[i]), float(act[i])
            if family == Family.COLLECTIVE_SHARE:
                total = float(xs.sum())
                collective = float((xs * arr.collective).sum())
                used = collective / total if total else 0.0
                limit = model.scenario.min_collective_share
                # the floor binds when it would stop one more non-collective decision
                binding = collective / (total + 1) < limit - 1e-6 * max(1.0, abs(limit))
            elif CATALOGUE[family].sense == Sense.AT_LEAST:
                binding = used - 1 < limit - 1e-6 * max(1.0, abs(limit))
            else:
                coef = extra_need(CATALOGUE[family].resource)
                pool = open_option & (coef > 0)
                if hood is not None:
                    pool &= arr.n == arr.neighbourhood_ids.index(hood)
                slack = limit - used
                # with no option left that needs this limit, only running out makes it bind
                short = pool.any() and slack < float(coef[pool].min())
                binding = slack <= max(1e-6 * max(1.0, abs(limit)), BINDING_SHARE * abs(limit)) or short
            out.append(LimitUse.model_construct(
                family=family, neighbourhood_id=hood, used=used, limit=limit, binding=bool(binding),
                marginal_value=None,
            ))
    return tuple(out)
