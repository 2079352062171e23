"""``devolve validate FILE``: check an input file and list every problem in it.

Exit 0 when the file can be assessed (warnings allowed), 2 when it cannot.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from devolve.commands.output import cannot_write
from devolve.present.problems import print_problems
from devolve.usecases import validate_file, write_problem_report


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "validate",
        help="check an input workbook or CSV and list every problem in it",
        description="Check an input workbook (.xlsx or .ods) or service list (.csv) against the rubric and "
        "list every problem: sheet, row, column, the value found and what was expected.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the .xlsx, .ods or .csv file to check")
    parser.add_argument("--rubric", type=Path, metavar="RUBRIC.toml",
                        help="score against this rubric instead of the default")
    parser.add_argument("--csv-report", type=Path, metavar="OUT.csv",
                        help="also write the problems to this CSV file")
    return parser


def run(args: argparse.Namespace) -> int:
    report = validate_file(args.file, rubric=args.rubric)
    print_problems(report, sys.stdout, name=args.file.name)
    if args.csv_report:
        try:
            write_problem_report(report, args.csv_report)
        except OSError as exc:
            return cannot_write(args.csv_report, exc)
    return 0 if report.ok else 2
