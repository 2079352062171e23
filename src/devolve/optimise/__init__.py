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


def plan_for(assessment: Assessment, progress: Callable[[str], None] | None = None) -> Plan:
    """Build the model for an assessment and solve it under its scenario."""
    if progress is not None:
        progress("Building model…")
    model = DevolutionModel(assessment, progress=progress)
    return model.solve()
