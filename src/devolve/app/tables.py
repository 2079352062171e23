"""Tables as people read them on screen: £ with thousands separators, shares as percentages,
counts with separators. The same frames feed the plan workbook unformatted (Excel formats them)."""

from __future__ import annotations

import math

import pandas as pd

from devolve.app.state import pounds


def for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with money, shares and counts written out; a "Unit" column says each row's unit."""
    shown = frame.copy()
    for column in shown.columns:
        if "(£" in column or column.endswith("£ a year"):
            shown[column] = shown[column].map(lambda v: _cell(v, pounds))
        elif "(%)" in column:
            shown[column] = shown[column].map(lambda v: _cell(v, lambda x: f"{x:.1%}"))
        elif pd.api.types.is_numeric_dtype(shown[column]) and not pd.api.types.is_bool_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: _cell(v, lambda x: f"{x:,.0f}" if float(x).is_integer()
                                                              or abs(x) >= 100 else f"{x:,.2f}"))
    if "Unit" in shown.columns:
        for column in ("Used", "Limit value"):
            if column in frame.columns:
                shown[column] = [_in_unit(v, unit) for v, unit in zip(frame[column], frame["Unit"])]
    return shown


def _cell(value, write) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return write(value)


def _in_unit(value, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if unit == "£":
        return pounds(value)
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.0f} {unit}".rstrip()
