"""Uploads and downloads: bytes in the browser, files for the readers and writers.

An upload is written to a private temporary file and read by the same guarded reader as the
command line; what it finds is cached by the file's content hash, so a rerun never reads it again.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import Callable

import streamlit as st

from devolve.core.problems import ProblemReport
from devolve.usecases import validate_file, write_blank_template, write_problem_report


UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f<>:"/\\|?*]+')
"""Characters no file name may carry on Windows, macOS or Linux (and control characters)."""
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def download_name(text: str, suffix: str) -> str:
    """A file name made from what a user typed (an assessment's name): no path, no character a
    file system refuses, no name Windows reserves, at most 100 characters before the suffix."""
    name = UNSAFE_IN_NAMES.sub(" ", text)
    name = " ".join(name.split()).strip(" .")[:100].strip(" .")
    if not name or name.lower() in RESERVED:
        name = f"devolve {name}".strip()
    return name + suffix


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def as_file(name: str, content: bytes, folder: Path) -> Path:
    """The upload as a file with its own suffix (the reader goes by it), never its own name."""
    path = folder / f"upload{Path(name).suffix.lower()}"
    path.write_bytes(content)
    return path


@st.cache_data(show_spinner="Checking the workbook…", max_entries=20)
def problems_in(name: str, key: str, _content: bytes) -> ProblemReport:
    """Every problem in an uploaded file (cached by its content hash ``key``)."""
    with tempfile.TemporaryDirectory() as folder:
        return validate_file(as_file(name, _content, Path(folder)), display_name=name)


def written(write: Callable[[Path], None], suffix: str) -> bytes:
    """What a writer puts in a file, as bytes for a download button."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"download{suffix}"
        write(path)
        return path.read_bytes()


@st.cache_data(show_spinner=False)
def blank_template() -> bytes:
    return written(write_blank_template, ".xlsx")


def problems_csv(report: ProblemReport) -> bytes:
    return written(lambda path: write_problem_report(report, path), ".csv")
