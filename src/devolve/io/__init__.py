"""Files in and out: workbooks, CSV, the blank template, and the guards in front of them.

Imports are lazy so that the pure helpers here (``cells``, ``columns``, ``safe``) can be used by
the core without pulling in openpyxl and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "read_assessment": "devolve.io.workbook",
    "validate_file": "devolve.io.workbook",
    "write_workbook": "devolve.io.workbook",
    "write_template": "devolve.io.template",
    "neutralise": "devolve.io.safe",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'devolve.io' has no attribute {name!r}")
