"""`devolve report PLAN.xlsx --out report.docx`: the cabinet report on a plan workbook.

The plan workbook (from ``devolve assess --out``) holds the plan itself; the report is written
from it, in the council's Word template when ``--template`` names one. The title block's facts
that no plan knows (meeting, who presents it, the contact officer) come from the options here.
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date
from pathlib import Path

from devolve.commands.output import Progress, cannot_write, refuse_output, whole_number


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help="write the cabinet report (.docx) on a plan workbook",
        description=("Write a cabinet report in the structure UK councils use (summary, numbered recommendations, "
                     "options, implications, timetable, appendices) from a plan workbook made by devolve assess."),
    )
    p.add_argument("plan", metavar="PLAN.xlsx", help="a plan workbook written by devolve assess --out")
    p.add_argument("--out", required=True, metavar="REPORT.docx", help="where to write the report")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    add_details_options(p)
    return p


def add_details_options(p: argparse.ArgumentParser) -> None:
    """The report's title block and template, shared by every command that writes a report."""
    p.add_argument("--template", metavar="T.docx", help="the council's Word template: its styles, page set-up, "
                   "header and footer are used (default: devolve's own)")
    p.add_argument("--meeting", default="Cabinet", help="the meeting the report goes to (default: Cabinet)")
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="the meeting's date")
    p.add_argument("--report-of", metavar="WHO", help='who presents it, e.g. "Director of Communities"')
    p.add_argument("--portfolio", help='the cabinet member\'s portfolio, e.g. "Neighbourhoods"')
    p.add_argument("--contact", metavar="OFFICER", help="the contact officer's name, telephone and e-mail")
    p.add_argument("--exempt", metavar="PARAGRAPH", help="mark it exempt from publication under this paragraph of "
                   "Schedule 12A (default: public)")
    p.add_argument("--key-decision-threshold", type=_pounds, default=500_000, metavar="POUNDS",
                   help="£ above which a decision is a key decision in your constitution (default: 500000)")
    p.add_argument("--samples", type=whole_number(0, "samples"), default=0, metavar="N",
                   help="the Robustness section also makes the plan again under N samples of the weights and "
                        "scores (default 0: it tests each weight alone, a few seconds)")


def _pounds(text: str) -> float:
    try:
        value = float(text.replace(",", "").lstrip("£"))
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of pounds of 0 or more")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def details_from(args: argparse.Namespace, version: str | None = None):
    from devolve.core.document import Classification, ReportDetails

    return ReportDetails(meeting=args.meeting, meeting_date=args.date, report_of=args.report_of,
                         portfolio=args.portfolio, contact_officer=args.contact,
                         classification=Classification.EXEMPT if args.exempt else Classification.PUBLIC,
                         exempt_paragraph=args.exempt, key_decision_threshold=args.key_decision_threshold,
                         version=version)


def template_trouble(template: str | None) -> str | None:
    """Why a --template cannot be used, in words, or None."""
    if template is None:
        return None
    path = Path(template)
    if not path.is_file():
        return f"there is no template '{template}'"
    if path.suffix.lower() != ".docx":
        return f"the template must be a Word .docx file, not '{path.name}'"
    from devolve.usecases import template_problem

    return template_problem(path)


def write_report_file(assessment, plan, out: Path, args: argparse.Namespace, *, sources: tuple[str, ...],
                      version: str | None = None) -> int:
    """Write the report; 0, or 2 with one plain line when it cannot be written."""
    from devolve.usecases import robustness_for_report, write_cabinet_report

    progress = Progress()
    robustness = robustness_for_report(assessment, plan, samples=args.samples, progress=progress)
    progress("Writing the cabinet report")
    try:
        write_cabinet_report(assessment, plan, out, details=details_from(args, version), template=args.template,
                             sources=sources, robustness=robustness)
    except OSError as exc:
        return cannot_write(out, exc)
    progress.done()
    return 0


def run(args: argparse.Namespace) -> int:
    from devolve.usecases import read_plan_workbook

    out = Path(args.out)
    if refuse_output(out, args.force, "the report (--out)", suffix=".docx"):
        return 2
    trouble = template_trouble(args.template)
    if trouble:
        print(f"devolve: {trouble}", file=sys.stderr)
        return 2
    if not Path(args.plan).is_file():
        print(f"devolve: there is no file '{args.plan}'", file=sys.stderr)
        return 2
    assessment, plan = read_plan_workbook(args.plan)
    if not plan.status.has_plan:
        print(f"devolve: {Path(args.plan).name} holds no plan to report: its scenario could not be met",
              file=sys.stderr)
        return 2
    code = write_report_file(assessment, plan, out, args, sources=(f"The plan workbook: {Path(args.plan).name}",))
    if code == 0:
        print(f"Cabinet report written to {out}")
    return code
