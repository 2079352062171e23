"""``devolve template OUT.xlsx``: write a blank, styled input workbook to fill in."""

from __future__ import annotations

import argparse
from pathlib import Path

from devolve.commands.output import cannot_write, refuse_output
from devolve.usecases import rubric_from, write_blank_template


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "template",
        help="write a blank input workbook with drop-downs, hints and a README sheet",
        description="Write a blank input workbook: the four sheets with their headers, drop-down "
        "lists, a hint on every header and a README sheet explaining each column.",
    )
    parser.add_argument("out", type=Path, metavar="OUT.xlsx", help="where to write the template")
    parser.add_argument("--rubric", type=Path, metavar="RUBRIC.toml",
                        help="take score levels, outcomes and configurations from this rubric")
    parser.add_argument("--force", action="store_true", help="overwrite OUT.xlsx if it exists")
    return parser


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if refuse_output(out, args.force, "the template"):
        return 2
    rubric = rubric_from(args.rubric)
    try:
        write_blank_template(out, rubric)
    except OSError as exc:
        return cannot_write(out, exc)
    print(f"wrote {out}: fill in the Services sheet (the rest is optional), then run devolve validate {out.name}")
    return 0
