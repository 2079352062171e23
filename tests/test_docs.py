"""The documentation names only what exists: every file path and code name in backticks is real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devolve.core.scenario import SETTING_KEYS

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SOURCES = [p for folder in ("src", "rubrics", "scripts", "tests", ".streamlit")
           for p in sorted((ROOT / folder).rglob("*")) if p.is_file() and p.suffix in (".py", ".toml")]
CODE = "\n".join([p.read_text(encoding="utf-8") for p in SOURCES] + [p.stem for p in SOURCES]
                 + [(ROOT / "Makefile").read_text(encoding="utf-8"), *SETTING_KEYS]).lower()
NAME = re.compile(r"^[A-Za-z_][\w.]*(\(\))?$")


def spans(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # command examples are checked by running them
    return re.findall(r"`([^`\n]+)`", text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_paths_in_the_docs_exist(doc):
    paths = [s for s in spans(doc) if re.match(r"^(src|docs|rubrics|scripts|tests|data)/", s)]
    missing = [p for p in paths if not (ROOT / p.split()[0]).exists()]
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_code_names_in_the_docs_exist(doc):
    ascii_spans = (re.sub(r"[^\x00-\x7f]", "", s) for s in spans(doc))  # suited_stagesᶜ is suited_stages
    names = {s.removesuffix("()") for s in ascii_spans if NAME.match(s) and ("_" in s or "." in s or s[:1].isupper())}
    missing = []
    for name in sorted(names):
        parts = [p for p in name.split(".") if p and p not in ("py", "md", "toml", "xlsx", "csv", "docx")]
        if not all(re.search(rf"\b{re.escape(p.lower())}\b", CODE) for p in parts):
            missing.append(name)
    assert not missing, f"{doc.name} names code that does not exist: {missing}"


def test_every_problem_code_is_explained_with_the_guard_s_own_limits():
    from devolve.core.problems import ProblemCode
    from devolve.io import guard

    text = (ROOT / "docs" / "input-format.md").read_text(encoding="utf-8")
    table = text[text.index("## Problems the validator reports"):]
    listed = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.M)
    assert sorted(listed) == sorted(c.value for c in ProblemCode)
    mib = 1024 * 1024
    for figure in (f"{guard.MAX_FILE_BYTES // mib} MB", f"{guard.MAX_UNCOMPRESSED_BYTES // mib} MB",
                   f"{guard.MAX_ENTRIES:,} parts", f"{guard.RATIO_FLOOR_BYTES // mib} MB",
                   f"{guard.MAX_RATIO} times", f"{guard.MAX_ROWS:,} rows", f"{guard.MAX_COLUMNS} columns"):
        assert figure in table, figure


def test_the_app_accepts_uploads_as_large_as_the_reader_does():
    import tomllib

    from devolve.io import guard

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == guard.MAX_FILE_BYTES // (1024 * 1024)
    assert config["browser"]["gatherUsageStats"] is False
