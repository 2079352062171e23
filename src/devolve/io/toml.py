"""TOML files a team edits: rubrics and scenarios, read into validated objects.

A rubric or a scenario file is input like any other: a council copies one and edits it, so a
mistake in it is reported with the file and the key path, never as a traceback.
"""

from __future__ import annotations

import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from devolve.core.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity
from devolve.core.rubric import Rubric
from devolve.core.scenario import Scenario
from devolve.io.columns import normalise_header
from devolve.io.findings import shorten
from devolve.io.resources import rubric_file
from devolve.io.settings import GivenSetting, apply_settings


def load_rubric(path: str | Path | Traversable | None = None) -> Rubric:
    """Read and validate a rubric file (default: the bundled default rubric); raise
    :class:`InvalidInput` naming every problem."""
    file = rubric_file() if path is None else _file(path)
    return rubric_from_dict(read_toml(file, "rubric", ProblemCode.RUBRIC), source=file.name)


def read_toml(path: str | Path | Traversable, what: str, code: ProblemCode) -> dict[str, Any]:
    """A user's TOML file (a rubric, a scenario) parsed, or one clear problem naming the file."""
    file = _file(path)
    name = file.name
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        message = f"{what} file not found"
    except (UnicodeDecodeError, IsADirectoryError):
        message = f"{what} file is not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        message = f"{what} file is not valid TOML: {exc}"
    except OSError as exc:
        message = f"{what} file cannot be read ({exc.strerror or exc})"
    raise InvalidInput(ProblemReport.of([Problem(code, message, file=name)]))


def _file(path: str | Path | Traversable) -> Path | Traversable:
    return Path(path) if isinstance(path, str) else path


def rubric_from_dict(data: dict[str, Any], source: str = "rubric") -> Rubric:
    """Turn parsed TOML into a Rubric, putting each table's key into the objects it names."""
    try:
        shaped = _shape(data)
        return Rubric.model_validate(shaped)
    except ValidationError as exc:
        raise InvalidInput(
            ProblemReport.of(
                Problem(
                    code=ProblemCode.RUBRIC,
                    file=source,
                    column=".".join(str(p) for p in err["loc"]) or None,
                    value=shorten(err.get("input")),
                    message=err["msg"],
                )
                for err in exc.errors()
            )
        ) from None
    except (TypeError, AttributeError, KeyError) as exc:
        raise _invalid(source, f"rubric file has an unexpected shape: {exc}") from None


def _shape(data: dict[str, Any]) -> dict[str, Any]:
    """TOML names tables by key ([criteria.outcomes]); the models carry the key inside."""
    out = dict(data)
    out["criteria"] = {
        key: {"criterion": key, **value} for key, value in data.get("criteria", {}).items()
    }
    out["service_types"] = {
        key: {"service_type": key, **value} for key, value in data.get("service_types", {}).items()
    }
    out["stages"] = {key: {"stage": key, **value} for key, value in data.get("stages", {}).items()}
    return out


def _invalid(source: str, message: str) -> InvalidInput:
    return InvalidInput(ProblemReport.of([Problem(ProblemCode.RUBRIC, message, file=source)]))


def load_scenario_toml(path: str | Path | Traversable, rubric: Rubric, base: Scenario) -> Scenario:
    """Settings from a TOML file (``devolve assess --scenario FILE.toml``) applied to ``base``.

    Keys are the Scenario sheet's setting names; weights may also sit in a ``[weights]`` table
    keyed by criterion, and ``configurations`` may be a list. Raises :class:`InvalidInput`
    naming the file and key of every problem.
    """
    name = _file(path).name
    data = read_toml(path, "scenario", ProblemCode.SCENARIO)

    settings: list[GivenSetting] = []
    shape: list[Problem] = []
    for key, value in data.items():
        if key == "weights" and isinstance(value, dict):
            settings += [GivenSetting(f"weight_{k}", v, file=name, column=f"weights.{k}") for k, v in value.items()]
        elif isinstance(value, list) and normalise_header(key) == "configurations":
            settings.append(GivenSetting(key, ", ".join(str(v) for v in value), file=name, column=key))
        elif isinstance(value, (dict, list)):
            shape.append(Problem(ProblemCode.SCENARIO, f"'{key}' holds a table or list", file=name,
                                 column=key, expected="a single value"))
        else:
            settings.append(GivenSetting(key, value, file=name, column=key))
    scenario, problems = apply_settings(rubric, base, settings, keep_unknown=False)
    problems = shape + problems
    if scenario is None or any(p.severity == Severity.ERROR for p in problems):
        raise InvalidInput(ProblemReport.of(problems))
    return scenario

