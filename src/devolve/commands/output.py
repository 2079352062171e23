"""What every command that writes a file says before and after: never overwrite by surprise,
and a failed write is one plain line, not a traceback."""

from __future__ import annotations

import argparse

import socket
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


# Seconds to wait for a Dask scheduler to answer before saying it cannot be reached.
REACH_SECONDS = 5.0


def before_run(out: Path, force: bool, what: str, dask: str | None) -> int | None:
    """2, having said why, when the run could not end well (an output that may not be written, a
    cluster address that is no address); else None, before any time is spent."""
    if refuse_output(out, force, what):
        return 2
    if not out.parent.is_dir():
        print(f"devolve: cannot write {out}: there is no folder '{out.parent}'", file=sys.stderr)
        return 2
    if dask is not None:
        trouble = dask_trouble(dask)
        if trouble:
            print(f"devolve: {trouble}", file=sys.stderr)
            return 2
    return None


def dask_trouble(address: str) -> str | None:
    """Why ``address`` cannot be a Dask scheduler's, in words, or None: checked before a client
    is made, as one made for a malformed address hangs on closing."""
    try:
        from distributed.comm import get_address_host_port
    except ImportError:
        return "--dask needs Dask's distributed scheduler: pip install 'devolve[dask]'"
    try:
        host, port = get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        return f"--dask '{address}' is not a Dask scheduler's address ({exc}); give it as tcp://HOST:PORT"
    if "://" in address and not address.startswith("tcp://"):
        return None  # tls, websockets: the client's own handshake says whether it can connect
    try:  # fail now, not after the plan and the weight stability have been worked out
        socket.create_connection((host, port), timeout=REACH_SECONDS).close()
    except OSError as exc:
        return f"cannot reach the Dask scheduler at {address}: {exc.strerror or exc}. Is it running, and reachable from here?"
    return None


def no_cluster(address: str, exc: BaseException) -> int:
    """2, having said the cluster failed part way, in words a user can act on rather than a traceback."""
    said = str(exc).strip() or type(exc).__name__
    print(f"devolve: cannot use the Dask cluster at {address}: {said}. Is its scheduler running, and reachable "
          "from here?", file=sys.stderr)
    return 2
