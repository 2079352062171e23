"""What every command that writes a file says before and after: never overwrite by surprise,
and a failed write is one plain line, not a traceback."""

from __future__ import annotations

import argparse

import sys
import time
from pathlib import Path


INPUT_FILE = "service workbook (.xlsx, or LibreOffice's .ods) or Services sheet (.csv)"
"""What a command's FILE may be, said the same way by every command."""


def refuse_output(out: Path, force: bool, what: str, suffix: str = ".xlsx") -> bool:
    """Print why ``out`` may not be written and return True; nothing the user has is overwritten."""
    if out.suffix.lower() != suffix:
        print(f"devolve: {what} must be a {suffix} file, not '{out.name}'", file=sys.stderr)
        return True
    if out.exists() and not force:
        print(f"devolve: {out} already exists; use --force to overwrite it", file=sys.stderr)
        return True
    return False


def cannot_write(out: Path | str, exc: OSError) -> int:
    """Say that ``out`` could not be written, and why; the exit code for bad input."""
    print(f"devolve: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
    return 2


class Progress:
    """Prints a step to stderr, with its duration when it took over a second."""

    def __init__(self) -> None:
        self._step: str | None = None
        self._start = 0.0

    def __call__(self, message: str) -> None:
        self.done()
        self._step, self._start = message, time.perf_counter()
        print(f"{message.rstrip('…. ')}…", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self._step is not None:
            took = time.perf_counter() - self._start
            if took >= 1:
                print(f"  {self._step}: {took:.1f} s", file=sys.stderr, flush=True)
            self._step = None


def whole_number(least: int, what: str):
    """An argparse type: a whole number of ``what`` of ``least`` or more, else a usage error (exit 2)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of {what} of {least} or more")
        return value

    return parse
