"""``devolve template OUT.xlsx``: write a blank, styled input workbook to fill in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from devolve.commands.output import cannot_write, refuse_output
from devolve.usecases import rubric_from, write_blank_template, write_report_template


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "template",
        help="write a blank input workbook with drop-downs, hints and a README sheet",
        description="Write a blank input workbook: the four sheets with their headers, drop-down "
        "lists, a hint on every header and a README sheet explaining each column.",
    )
    parser.add_argument("out", type=Path, nargs="?", metavar="OUT.xlsx", help="where to write the template")
    parser.add_argument("--report", type=Path, metavar="REPORT-TEMPLATE.docx",
                        help="also (or instead) write devolve's Word template for the cabinet report, to restyle in "
                        "Word and give back with devolve report --template")
    parser.add_argument("--rubric", type=Path, metavar="RUBRIC.toml",
                        help="take score levels, outcomes and configurations from this rubric")
    parser.add_argument("--force", action="store_true", help="overwrite the files if they exist")
    return parser


def run(args: argparse.Namespace) -> int:
    out: Path | None = args.out
    if out is None and args.report is None:
        print("devolve template: give OUT.xlsx, --report REPORT-TEMPLATE.docx, or both", file=sys.stderr)
        return 2
    if out is not None and refuse_output(out, args.force, "the template"):
        return 2
    if args.report is not None and refuse_output(args.report, args.force, "the report template", suffix=".docx"):
        return 2
    if out is not None:
        try:
            write_blank_template(out, rubric_from(args.rubric))
        except OSError as exc:
            return cannot_write(out, exc)
        print(f"wrote {out}: fill in the Services sheet (the rest is optional), then run devolve validate {out.name}")
    if args.report is not None:
        try:
            write_report_template(args.report)
        except OSError as exc:
            return cannot_write(args.report, exc)
        print(f"wrote {args.report}: change its styles (Title, Subtitle, Heading 1, Caption, List Bullet, Table Grid), "
              f"header and footer in Word, then use it with devolve report --template {args.report.name}")
    return 0
