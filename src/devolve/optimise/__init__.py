"""The optimiser: options valued and costed, the MILP built once, solved fast and honestly.

* :func:`devolve.optimise.options.option_table` — every option with its value and resource use;
* :class:`devolve.optimise.model.DevolutionModel` — the model, kept for cheap re-solves;
* :func:`plan_for` — assessment in, :class:`~devolve.plan.Plan` out.

The mathematics is in docs/model.md.
"""

from __future__ import annotations

from typing import Callable

from devolve.domain import Assessment
from devolve.optimise.model import DevolutionModel
from devolve.optimise.options import option_table, retained_activities
from devolve.plan import Plan

__all__ = ["DevolutionModel", "option_table", "plan_for", "retained_activities"]


def plan_for(
    assessment: Assessment,
    progress: Callable[[str], None] | None = None,
    *,
    price_of_uniformity: bool = True,
) -> Plan:
    """Build the model for an assessment, solve it under its scenario, and explain the answer.

    An infeasible scenario comes back as a plan with no decisions and a ``diagnosis`` in plain
    words; a feasible one with nearest alternatives, marginal values and (unless switched off,
    as it costs a second solve) the price of uniformity.
    """
    from devolve.optimise.diagnose import diagnose
    from devolve.optimise.explain import explain

    if progress is not None:
        progress("Building model…")
    model = DevolutionModel(assessment, progress=progress)
    plan = model.solve()
    if plan.status == "infeasible":
        model.say("Finding out why no plan meets the limits…")
        return plan.model_copy(update={"diagnosis": diagnose(model)})
    if plan.objective is None:
        return plan.model_copy(update={"diagnosis": (
            f"no plan was found within the time limit of {model.scenario.time_limit_seconds:g} seconds; "
            "allow more time (time_limit_seconds in the Scenario sheet)",
        )})
    model.say("Explaining the plan…")
    return explain(model, plan, price_of_uniformity=price_of_uniformity)
