"""The workspace's audit trail in words: one line per change, from which value to which."""

from __future__ import annotations

import json
from typing import Any


def describe(change: Any) -> str:
    """One change in words: what happened to which row, from which value to which."""
    if change.action == "imported":
        counts = change.new or {}
        return (f"imported {counts.get('source') or 'an assessment'} ({counts.get('service', 0)} services, "
                f"{counts.get('score', 0)} assessed scores)")
    if change.action == "copied":
        return f"copied from '{change.old['from']}' at revision {change.old['revision']}"
    if change.action == "locked":
        return "locked it" + (f" ({change.new})" if change.new else "") + ": it can be copied, never changed"
    if change.action == "planned":
        p = change.new
        value = f"{p['objective']:.1f} benefit units" if p.get("objective") is not None else "no plan"
        gap = f", {p['gap']:.2%} from the best possible" if p.get("gap") is not None else ""
        return (f"{change.target}: {p['status']}, {p['decisions']} decisions, {value}{gap} "
                f"(scenario '{p['scenario']}')")
    if change.action == "chose":
        return f"chose to plan with scenario '{change.new}' (was '{change.old}')"
    if change.field is None:
        row = change.new if change.action == "added" else change.old
        return f"{change.action} {change.subject} {change.target}: {_value(row)}"
    return f"changed {change.subject} {change.target}, {change.field}: {_value(change.old)} → {_value(change.new)}"


def _value(value) -> str:
    if value is None:
        return "blank"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value(v)}" for k, v in value.items() if v not in (None, {}, []))
    if isinstance(value, (list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
