"""The answer: which activities are devolved where, under which arrangement, and what it uses.

A :class:`Plan` is what the optimiser returns and what the explanation, the reports and the
workbook writer read. It is immutable and carries everything needed to judge it honestly: the
method and solver, the status, the objective, the best bound the solver proved, the gap between
them, and the time spent building, solving and reading the answer back.

Optional fields left empty here (marginal values, price of uniformity, nearest alternatives,
diagnosis) are filled by the explanation and diagnosis steps that run after the solve.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from devolve.domain import Criterion

Unit = Literal["£", "hours", "activities", "share"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Decision(_Frozen):
    """One activity devolved in one neighbourhood under one partnership configuration."""

    activity_id: str
    service_id: str
    stage: str
    neighbourhood_id: str
    configuration: str
    """Key of the partnership configuration (see the rubric)."""
    value: float
    """The option's value v[a,n,c]: weighted distance above today's scale (see docs/model.md)."""
    contributions: dict[Criterion, float]
    """Each criterion's part of ``value``; they add up to it."""
    transition_cost: float
    running_change: float
    contingency: float
    volunteer_hours: float


class LimitUse(_Frozen):
    """How much of one limit the plan uses."""

    name: str
    """Constraint family, as in docs/model.md: transition_budget, running_cost, capacity, ..."""
    scope: str | None = None
    """Neighbourhood id for per-neighbourhood limits, else None."""
    label: str
    """The limit in plain words, e.g. "One-off transition budget"."""
    used: float
    limit: float
    unit: Unit
    sense: Literal["<=", ">="] = "<="
    """Whether ``used`` must stay at most (a budget) or at least (a floor) ``limit``."""
    binding: bool
    """True when the plan is at the limit (within a small tolerance)."""
    marginal_value: float | None = None
    """Objective gained per unit more of this limit (filled by the explanation step)."""


class Alternative(_Frozen):
    """A near miss for one activity and neighbourhood (filled by the explanation step)."""

    activity_id: str
    neighbourhood_id: str
    configuration: str | None
    value: float
    reason: str


class Plan(_Frozen):
    """An optimised devolution plan and how it was reached."""

    scenario_name: str
    method: str
    """"exact MILP" or "LP relaxation, fix and repair"."""
    solver: str
    status: str
    """"optimal", "feasible" (stopped at the time limit or gap with a plan), "infeasible",
    "no plan found" (time limit without any plan)."""
    objective: float | None
    """Total value of the plan, Σ v·x."""
    best_bound: float | None
    """No plan can be worth more than this (proved by the solver or the LP relaxation)."""
    gap: float | None
    """(best_bound − objective) / max(|objective|, 1e-9); 0 when proved optimal."""
    build_seconds: float
    solve_seconds: float
    extract_seconds: float
    decisions: tuple[Decision, ...] = ()
    limits: tuple[LimitUse, ...] = ()
    retained: dict[str, str] = Field(default_factory=dict)
    """Activities kept at today's scale, with the reason (activity_id → reason)."""
    notes: tuple[str, ...] = ()
    """Plain-words remarks from the solve (e.g. options set aside by the dominance presolve)."""
    # Filled by later steps; empty here.
    price_of_uniformity: float | None = None
    alternatives: tuple[Alternative, ...] = ()
    diagnosis: tuple[str, ...] = ()

    @property
    def devolved(self) -> int:
        return len(self.decisions)

    @property
    def total_seconds(self) -> float:
        return self.build_seconds + self.solve_seconds + self.extract_seconds

    def chosen(self) -> dict[tuple[str, str], str]:
        """(activity_id, neighbourhood_id) → configuration key, for every decision."""
        return {(d.activity_id, d.neighbourhood_id): d.configuration for d in self.decisions}

    def limit(self, name: str, scope: str | None = None) -> LimitUse:
        for lim in self.limits:
            if lim.name == name and lim.scope == scope:
                return lim
        raise KeyError((name, scope))
