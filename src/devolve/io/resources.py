"""The files devolve ships with: its rubrics and the sample council.

They travel inside the package (``devolve/resources``, linked to the top-level ``rubrics/`` and
``sample_services.xlsx`` of a checkout), so an installed wheel finds them wherever it lives.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

DEFAULT_RUBRIC = "default.toml"
SAMPLE = "sample_services.xlsx"


def _resources() -> Traversable:
    return files("devolve") / "resources"


def rubric_file(name: str = DEFAULT_RUBRIC) -> Traversable:
    """A bundled rubric by file name (``default.toml``, ``tailored-example.toml``)."""
    return _resources() / "rubrics" / name


def bundled_rubrics() -> tuple[Traversable, ...]:
    """Every rubric shipped with devolve, by name."""
    folder = _resources() / "rubrics"
    return tuple(sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name))


def sample_file() -> Traversable:
    """The bundled sample council's workbook (open it with ``importlib.resources.as_file``)."""
    return _resources() / SAMPLE
