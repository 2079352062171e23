"""A plan's charts as Altair charts: the app draws them, the cabinet report prints the same ones.

Each chart writes its numbers as well as colouring them (in the cells, or as bar labels), so
colour is never the only way to read it; the robustness charts each come with a function that
says what they show in words (``*_words``), for alt text and the sentence beside the chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from devolve.core.domain import Assessment
from devolve.core.limits import CATALOGUE
from devolve.core.plan import Plan
from devolve.core.robustness import Acceptability, Change, Frontier, WeightStability
from devolve.core.terms import STAGES
from devolve.present.words import money

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


# --------------------------------------------------------------------------- how sure the plan is


TODAYS_SCALE = "kept at today's scale"
"""What a change's missing arrangement means: the activity is not devolved there."""
SHARE_BANDS = (
    ("chosen in 90% or more: robust core", 0.9),
    ("chosen in 50% to 89%", 0.5),
    ("chosen in 10% to 49%", 0.1),
    ("chosen in under 10%", 1e-12),
    ("never chosen", 0.0),
)
"""The acceptability heatmap's colour classes, in words, each from its lower share."""
PLANNED_MARK = "•"
"""Written beside the share in a cell of today's plan (which is outlined too)."""


def _names(assessment: Assessment | None) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Services', neighbourhoods' and arrangements' names by id (empty without an assessment:
    the ids stand for themselves)."""
    if assessment is None:
        return {}, {}, {}
    return ({s.service_id: s.name for s in assessment.services},
            {h.neighbourhood_id: h.name for h in assessment.neighbourhoods},
            {c.key: c.name for c in assessment.rubric.configurations})


def _percent(share: float) -> str:
    """A share as a whole percentage that never rounds into the class above it ("89", not "90",
    for 0.899) and never reads as nothing when it is not ("<1")."""
    if 0 < share < 0.01:
        return "<1"
    return str(int(share * 100 + 1e-9))


_AS_DRAWN = {"type": "pad", "contains": "padding"}
"""The plot at the size given, the title, legend and axes around it: Streamlit otherwise fits the
whole chart into its height, squeezing a fixed-height plot under a long title to nothing."""


def _pounds_axis() -> str:
    return "'£' + format(datum.value, '~s')"


def change_words(change: Change, assessment: Assessment | None = None) -> str:
    """One decision that changes, in words: "ASC01 delivery in Holmefield: Community organisation
    → kept at today's scale"."""
    _, places, arrangements = _names(assessment)

    def arrangement(key: str | None) -> str:
        return TODAYS_SCALE if key is None else arrangements.get(key, key)

    return (f"{change.service_id} {change.stage.label.lower()} in "
            f"{places.get(change.neighbourhood_id, change.neighbourhood_id)}: "
            f"{arrangement(change.before)} → {arrangement(change.after)}")


def stability_frame(stabilities: Sequence[WeightStability]) -> pd.DataFrame:
    """One row a benefit: today's weight and the interval over which the plan stands, as shares
    of the weights' total, with the words its axis label reads."""
    return pd.DataFrame([{
        "Benefit": s.benefit.label, "Today": s.weight, "Low": s.low, "High": s.high, "Zero": 0.0, "One": 1.0,
        "Label": f"{s.benefit.label}|today {s.weight:.0%}, stands {s.low:.0%} to {s.high:.0%}",
        "Changes below": len(s.below), "Changes above": len(s.above),
    } for s in stabilities], columns=["Benefit", "Today", "Low", "High", "Zero", "One", "Label", "Changes below",
                                      "Changes above"])


def stability_chart(stabilities: Sequence[WeightStability]) -> alt.LayerChart:
    """Each benefit's weight as a track from 0% to 100%, the interval over which today's plan
    stands drawn on it, today's weight marked, and all three written in the benefit's label."""
    import altair as alt

    frame = stability_frame(stabilities)
    y = alt.Y("Label:N", title=None, sort=list(frame["Label"]),
              axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, labelPadding=6, ticks=False,
                            labelFontSize=11))
    base = alt.Chart(frame).encode(y=y, tooltip=[
        "Benefit", alt.Tooltip("Today:Q", format=".1%", title="Today's weight"),
        alt.Tooltip("Low:Q", format=".1%", title="Stands from"), alt.Tooltip("High:Q", format=".1%", title="Stands to"),
        alt.Tooltip("Changes below:Q", title="Decisions that change below"),
        alt.Tooltip("Changes above:Q", title="Decisions that change above")])
    x = alt.X("Zero:Q", title="Weight, as a share of all four", scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%", tickCount=10))
    track = base.mark_bar(color="#f0f0f0", stroke="#969696", strokeWidth=0.5, size=18).encode(x=x, x2="One:Q")
    stands = base.mark_bar(color="#6baed6", size=18).encode(x="Low:Q", x2="High:Q")
    today = base.mark_tick(color="black", thickness=3, size=28).encode(x="Today:Q")
    return (track + stands + today).properties(
        width=340, height=alt.Step(52), description=stability_words(stabilities),
        autosize=_AS_DRAWN,
        title=alt.TitleParams("How far each weight can move before the plan changes", anchor="start", subtitle=[
            "Blue: the weights at which today's plan stands, the other",
            "weights rescaled in proportion. Black mark: today's weight."]))


def stability_words(stabilities: Sequence[WeightStability]) -> str:
    """The stability chart in words, for its alt text and the sentence beside it."""
    parts = [f"{s.benefit.label} today {s.weight:.0%}, the plan standing from {s.low:.0%} to {s.high:.0%}"
             for s in stabilities]
    said = f"A bar for each of the {len(parts)} benefits' weights, from the lowest to the highest weight at which " \
           "today's plan stands, with today's weight marked: " + "; ".join(parts) + "."
    moved = [s for s in stabilities if s.room is not None]
    if moved:
        least = min(moved, key=lambda s: s.room)
        said += (f" The plan is most sensitive to {least.benefit.label.lower()}: it changes if that weight moves "
                 f"{least.room * 100:.0f} percentage points.")
    else:
        said += " No weight, moved on its own, changes the plan."
    return said


def acceptability_frame(acceptability: Acceptability, assessment: Assessment | None = None, *,
                        activities: Iterable[str] | None = None) -> pd.DataFrame:
    """One row an activity and neighbourhood chosen in some sample or in today's plan: the share
    of samples choosing it, written and in words, and whether today's plan has it."""
    services, places, arrangements = _names(assessment)
    keep = None if activities is None else set(activities)
    rows = []
    for d in acceptability.decisions:
        if keep is not None and d.activity_id not in keep:
            continue
        name = services.get(d.service_id)
        band = next(words for words, floor in SHARE_BANDS if d.share >= floor)
        rows.append({
            "Service": f"{d.service_id} {name}" if name else d.service_id, "Stage": d.stage.label,
            "Activity": f"{d.service_id} {d.stage.label.lower()}" + (f": {name}" if name else ""),
            "Activity id": d.activity_id, "Neighbourhood": places.get(d.neighbourhood_id, d.neighbourhood_id),
            "Share": d.share, "Shown": _percent(d.share) + (f" {PLANNED_MARK}" if d.planned else ""), "Band": band,
            "In plan": arrangements.get(d.planned, d.planned) if d.planned else TODAYS_SCALE,
            "Planned": "in today's plan" if d.planned else "",
        })
    return pd.DataFrame(rows, columns=["Service", "Stage", "Activity", "Activity id", "Neighbourhood", "Share",
                                       "Shown", "Band", "In plan", "Planned"])


def acceptability_heatmap(acceptability: Acceptability, assessment: Assessment | None = None, *,
                          activities: Iterable[str] | None = None, width: int = 420) -> alt.FacetChart:
    """Neighbourhoods across and, under each service's name, its activities down: each cell the
    percentage of samples whose plan devolves the activity there, written in it and coloured by
    class (a legend in words); cells in today's plan are outlined and marked •. Only the
    ``activities`` given (ids), if any; the cells share ``width`` px (at least 22 px each)."""
    import altair as alt

    grid = acceptability_frame(acceptability, assessment, activities=activities)
    _, places, _ = _names(assessment)
    columns = list(places.values()) or sorted(set(grid["Neighbourhood"]))
    bands = [words for words, _ in SHARE_BANDS]
    base = alt.Chart().encode(
        x=alt.X("Neighbourhood:N", title=None, sort=columns, scale=alt.Scale(domain=columns),
                # upright, so the last name does not run off the right of a narrow page
                axis=alt.Axis(labelAngle=-90, labelOverlap=False, orient="top", labelLimit=0, labelFontSize=11)),
        y=alt.Y("Stage:N", title=None, sort=[s.label for s in STAGES],
                axis=alt.Axis(labelOverlap=False, labelFontSize=11, labelLimit=0, ticks=False)),
        tooltip=["Activity", "Neighbourhood", alt.Tooltip("Share:Q", format=".0%", title="Chosen in"),
                 alt.Tooltip("In plan:N", title="Today's plan")],
    )
    heat = base.mark_rect().encode(color=alt.Color(
        "Band:N", title="Share of samples choosing it", sort=bands,
        scale=alt.Scale(domain=bands, range=["#08519c", "#4292c6", "#9ecae1", "#deebf7", "#fee0d2"]),
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0, titleLimit=0)))
    # hidden from screen readers: the • in the cell says the same, and a service whose rows hold
    # none of today's plan would leave an empty, unlabelled group of marks
    outline = base.transform_filter(alt.datum.Planned != "").mark_rect(fill=None, strokeWidth=2, aria=False).encode(
        stroke=alt.Stroke("Planned:N", title=f"Outlined and marked {PLANNED_MARK}",
                          scale=alt.Scale(domain=["in today's plan"], range=["black"]),
                          legend=alt.Legend(orient="bottom", symbolType="square", labelLimit=0, titleLimit=0)))
    labels = base.mark_text(fontSize=10).encode(
        text="Shown:N",
        color=alt.condition(alt.datum.Share >= 0.5, alt.value("white"), alt.value("black")))
    cell = max(22, min(34, width // max(len(columns), 1)))
    drawn = "the weights" + (" and scores" if acceptability.scores else "")
    return alt.layer(heat, outline, labels, data=grid).properties(
        height=alt.Step(19), width=alt.Step(cell),
    ).facet(
        row=alt.Row("Service:N", title=None, sort=list(dict.fromkeys(grid["Service"])), header=alt.Header(
            labelOrient="top", labelAnchor="start", labelAngle=0, labelAlign="left", labelFontWeight="bold",
            labelFontSize=11, labelLimit=0, labelPadding=2)),
        spacing=6,
    ).resolve_scale(y="independent").properties(
        description=acceptability_words(acceptability, assessment, activities=activities),
        autosize=_AS_DRAWN,
        title=alt.TitleParams("How often each activity is devolved where", anchor="start", subtitle=[
            f"Out of {acceptability.samples:,} plans made with {drawn} drawn at random:",
            "the percentage of them devolving each activity in each neighbourhood.",
            "A blank cell: no sample devolves it there."]))


def acceptability_words(acceptability: Acceptability, assessment: Assessment | None = None, *,
                        activities: Iterable[str] | None = None) -> str:
    """The acceptability heatmap in words."""
    grid = acceptability_frame(acceptability, assessment, activities=activities)
    counts = grid["Band"].value_counts()
    classes = "; ".join(f"{counts[words]:,} {words}" for words, _ in SHARE_BANDS if counts.get(words))
    planned = grid[grid["Planned"] != ""]
    said = (f"A grid of {grid['Activity'].nunique():,} activities (rows) against the neighbourhoods (columns). Each "
            f"filled cell gives the percentage of the {acceptability.samples:,} samples whose plan devolves the "
            f"activity there, written in the cell, and is coloured by class: {classes or 'none'}. The "
            f"{len(planned):,} cells of today's plan are outlined and marked {PLANNED_MARK}")
    if len(planned):
        said += f"; {int((planned['Share'] >= SHARE_BANDS[0][1]).sum()):,} of them are in the robust core"
    return said + (f". Today's plan stands in {acceptability.stands / max(acceptability.samples, 1):.0%} of the "
                   "samples.")


FOUND = "best plan found"
BOUND = "no plan can be worth more"
"""The frontier's two lines, as its legend names them."""


def frontier_frame(frontier: Frontier) -> pd.DataFrame:
    """Two rows a point where a plan was found: its value, and the bound no plan there can beat."""
    rows = []
    for i, p in enumerate(frontier.points):
        if not p.found:
            continue
        common = {"Limit": p.limit, "Point": i, "Decisions": p.decisions, "Knee": i == frontier.knee,
                  "Label": f"{p.value:,.0f}", "Bound": p.bound}
        rows.append({**common, "Line": FOUND, "Value": p.value})
        if p.bound is not None:
            rows.append({**common, "Line": BOUND, "Value": p.bound})
    return pd.DataFrame(rows, columns=["Limit", "Point", "Decisions", "Knee", "Label", "Bound", "Line", "Value"])


def frontier_chart(frontier: Frontier) -> alt.LayerChart:
    """The plan's value against one £ limit, each point a plan of its own with its value written
    beside it; the bound no plan can beat dashed, today's limit a dotted upright and the knee, where
    returns fall away, ringed and labelled."""
    import altair as alt

    label = CATALOGUE[frontier.family].label
    frame = frontier_frame(frontier)
    found = frame[frame["Line"] == FOUND]
    widest = float(frame["Limit"].max()) if len(frame) else 0.0
    top = max(widest, frontier.today) or 1.0
    height = 300
    x = alt.X("Limit:Q", title=f"{label} (£)", scale=alt.Scale(domain=[0, top], nice=False),
              axis=alt.Axis(labelExpr=_pounds_axis(), tickCount=8))
    y = alt.Y("Value:Q", title="Value (benefit units)", scale=alt.Scale(zero=True))
    lines = [FOUND, BOUND]
    layers = [
        alt.Chart(frame).mark_line().encode(
            x=x, y=y,
            color=alt.Color("Line:N", title=None, sort=lines,
                            scale=alt.Scale(domain=lines, range=["#08519c", "#969696"]),
                            legend=alt.Legend(orient="top", symbolType="stroke", symbolSize=400, labelLimit=0)),
            strokeDash=alt.StrokeDash("Line:N", title=None, sort=lines,
                                      scale=alt.Scale(domain=lines, range=[[1, 0], [5, 3]]),
                                      legend=alt.Legend(orient="top", symbolType="stroke", symbolSize=400,
                                                        labelLimit=0))),
        alt.Chart(found).mark_point(filled=True, color="#08519c", size=40).encode(x=x, y=y, tooltip=[
            alt.Tooltip("Limit:Q", format=",.0f", title=f"{label} (£)"), alt.Tooltip("Value:Q", format=",.1f"),
            alt.Tooltip("Bound:Q", format=",.1f", title="No plan can be worth more than"), "Decisions:Q"]),
        # below and to the right of each point: a rising line and the bound above it leave that clear
        alt.Chart(found[~found["Knee"] & (found["Limit"] > 0)]).mark_text(
            align="left", dx=5, dy=10, fontSize=10).encode(x=x, y=y, text="Label:N"),
    ]
    words = f"today: {money(frontier.today)}" + (", more than any plan uses" if frontier.today > widest else "")
    right = frontier.today > top / 2
    rule = pd.DataFrame({"Limit": [frontier.today], "Words": [words]})
    layers.append(alt.Chart(rule).mark_rule(strokeDash=[2, 2], color="black").encode(x=x))
    layers.append(alt.Chart(rule).mark_text(align="right" if right else "left", dx=-4 if right else 4,
                                            baseline="bottom", fontSize=10).encode(
        x=x, y=alt.value(height - 4), text="Words:N"))
    if frontier.knee is not None:
        knee = found[found["Knee"]]
        point = frontier.points[frontier.knee]
        layers.append(alt.Chart(knee).mark_point(size=260, color="black", strokeWidth=2).encode(x=x, y=y))
        layers.append(alt.Chart(knee).mark_text(align="left", dx=12, dy=14, fontSize=11, fontWeight="bold").encode(
            x=x, y=y, text=alt.value(f"returns fall away here: {money(point.limit)} buys {point.value:,.0f}")))
    missing = [p for p in frontier.points if not p.found]
    subtitle = [f"The plan's value against the {label.lower()}. Each point is the",
                "best plan with the limit set to that £, its value written beside it;",
                "the dotted upright is today's setting."]
    if missing:
        subtitle.append("No plan was found in the time allowed at " + ", ".join(money(p.limit) for p in missing) + ".")
    return alt.layer(*layers).properties(
        width=420, height=height, description=frontier_words(frontier),
        autosize=_AS_DRAWN,
        title=alt.TitleParams("What more money buys", anchor="start", subtitle=subtitle))


def frontier_words(frontier: Frontier) -> str:
    """The frontier chart in words."""
    label = CATALOGUE[frontier.family].label
    found = [p for p in frontier.points if p.found]
    if not found:
        return f"No plan was found at any value of the {label.lower()}."
    best = max(found, key=lambda p: p.value or 0.0)
    said = (f"A line of the plan's value (benefit units) against the {label.lower()}, from {money(found[0].limit)} to "
            f"{money(found[-1].limit)}, in {len(found)} points, each the best plan with the limit set there, its value "
            f"written beside it; a dashed line above it is the most any plan there could be worth. The most, "
            f"{best.value:,.1f}, comes at {money(best.limit)}.")
    if frontier.knee is not None:
        k = frontier.points[frontier.knee]
        said += (f" Returns fall away after {money(k.limit)}, which buys {k.value:,.1f} "
                 f"({(k.value or 0) / (best.value or 1):.0%} of the most).")
    today = [p for p in found if abs(p.limit - frontier.today) < 0.5]
    if today:
        said += f" Today's setting, {money(frontier.today)}, buys {today[0].value:,.1f}."
    elif frontier.today > found[-1].limit:
        said += f" Today's setting, {money(frontier.today)}, is more than any plan uses."
    return said
