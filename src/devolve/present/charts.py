"""A plan's charts as Altair charts: the app draws them, the cabinet report prints the same ones.

Each chart writes its numbers as well as colouring them (in the cells, or as bar labels), so
colour is never the only way to read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from devolve.core.domain import Assessment
from devolve.core.plan import Plan
from devolve.core.terms import STAGES

if TYPE_CHECKING:
    import altair as alt


def devolved_counts(assessment: Assessment, plan: Plan) -> pd.DataFrame:
    """Service × activity: how many neighbourhoods each devolved activity goes to."""
    names = {s.service_id: s.name for s in assessment.services}
    rows = pd.DataFrame([{"Service": f"{x.service_id} {names[x.service_id]}", "Activity": x.stage.label}
                         for x in plan.decisions], columns=["Service", "Activity"])
    return rows.groupby(["Service", "Activity"]).size().reset_index(name="Neighbourhoods")


def devolved_heatmap(assessment: Assessment, plan: Plan, *, label_limit: int = 210) -> alt.LayerChart:
    """Services down, the value chain across, each cell the number of neighbourhoods, written in it."""
    import altair as alt

    grid = devolved_counts(assessment, plan)
    base = alt.Chart(grid).encode(
        x=alt.X("Activity:N", sort=[s.label for s in STAGES], title=None, scale=alt.Scale(domain=[s.label for s in STAGES]),
                axis=alt.Axis(labelAngle=-45, labelOverlap=False, orient="top")),
        y=alt.Y("Service:N", title=None, axis=alt.Axis(labelLimit=label_limit)),
        tooltip=["Service", "Activity", "Neighbourhoods"],
    )
    heat = base.mark_rect().encode(color=alt.Color("Neighbourhoods:Q", scale=alt.Scale(scheme="blues"),
                                                   title="Neighbourhoods", legend=alt.Legend(orient="bottom")))
    most = int(grid["Neighbourhoods"].max()) if not grid.empty else 0
    labels = base.mark_text(fontSize=11).encode(
        text="Neighbourhoods:Q",
        color=alt.condition(alt.datum.Neighbourhoods > most / 2, alt.value("white"), alt.value("black")))
    return (heat + labels).properties(height=alt.Step(24), width=alt.Step(32))


def value_beside_residents(assessment: Assessment, plan: Plan) -> alt.LayerChart:
    """Each neighbourhood's share of the plan's value beside its share of residents: where value
    follows people, the two bars match."""
    import altair as alt

    people = sum(h.population for h in assessment.neighbourhoods) or 1
    total = sum(d.value for d in plan.decisions) or 1.0
    rows = []
    for hood in assessment.neighbourhoods:
        value = sum(d.value for d in plan.decisions if d.neighbourhood_id == hood.neighbourhood_id)
        rows.append({"Neighbourhood": hood.name, "Share": hood.population / people, "Of": "residents"})
        rows.append({"Neighbourhood": hood.name, "Share": value / total, "Of": "the plan's value"})
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(
        y=alt.Y("Neighbourhood:N", title=None, sort=[h.name for h in assessment.neighbourhoods]),
        yOffset=alt.YOffset("Of:N", sort=["residents", "the plan's value"]),
        x=alt.X("Share:Q", title="Share", axis=alt.Axis(format="%")),
        tooltip=["Neighbourhood", "Of", alt.Tooltip("Share:Q", format=".1%")],
    )
    bars = base.mark_bar().encode(color=alt.Color("Of:N", title=None, sort=["residents", "the plan's value"],
                                                  scale=alt.Scale(range=["#9ecae1", "#08519c"]),
                                                  legend=alt.Legend(orient="top", labelLimit=0)))
    # each bar says what it is as well as its share, so the colours are never the only key
    labels = base.transform_calculate(
        Label=alt.expr.format(alt.datum.Share, ".0%") + " " + alt.expr.if_(alt.datum.Of == "residents",
                                                                             "residents", "value")
    ).mark_text(align="left", dx=3, fontSize=9).encode(text="Label:N")
    return (bars + labels).properties(width=330, height=alt.Step(11))
