"""How sure the plan is, what more money would buy, and how scenarios differ:

* ``devolve sensitivity FILE --out robustness.xlsx``: weight stability and acceptability samples;
* ``devolve frontier FILE --out frontier.xlsx``: the plan's value against one £ limit;
* ``devolve compare FILE --scenario A.toml --scenario B.toml``: scenarios side by side.

Each prints a short summary and, with ``--out``, writes a workbook whose sheets come from
:mod:`devolve.present.robustness`: every text cell written as text with Excel's quote prefix
(nothing a user typed can run as a formula), £ and % formatted, headers frozen, and saved
atomically, so a failed save leaves no half file.
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Mapping, Sequence

from devolve.commands.output import Progress, cannot_write, refuse_output

SAMPLES = 1000
"""Acceptability samples unless --samples says: each share then within about ±3 percentage points."""
REACH_SECONDS = 5.0
"""How long to wait for a Dask scheduler to answer before saying it cannot be reached."""


# --------------------------------------------------------------------------- the parsers


def _whole(least: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of {what} of {least} or more")
        return value

    return parse


def _common(p: argparse.ArgumentParser, *, scenario: bool = True) -> None:
    if scenario:
        p.add_argument("--scenario", help="scenario settings (.toml) overriding the workbook's Scenario sheet")
    p.add_argument("--rubric", help="rubric file (.toml); default: the default rubric devolve ships with")


def _where_it_runs(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_whole(1, "workers"), metavar="K",
                       help="local processes to run on (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="run on an existing Dask cluster, its scheduler at ADDRESS (tcp://host:8786)")


def _out(p: argparse.ArgumentParser, default_name: str, required: bool = True) -> None:
    p.add_argument("--out", required=required, metavar=default_name, help="where to write the workbook (.xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def add_sensitivity_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "sensitivity",
        help="how sure the plan is: weight stability and acceptability samples",
        description=("Make today's plan, then find how far each weight can move before the plan changes, and make "
                     "the plan again under many random weights (and scores) to see how often each decision is "
                     "chosen: the robust core, the contested decisions and the activities never chosen."),
    )
    p.add_argument("file", metavar="FILE", help="service workbook (.xlsx) or Services sheet (.csv)")
    p.add_argument("--samples", type=_whole(1, "samples"), default=SAMPLES, metavar="N",
                   help=f"how many times to make the plan again (default: {SAMPLES})")
    p.add_argument("--seed", type=_whole(0, "a seed"), default=0, metavar="S",
                   help="the samples' seed: the same seed gives the same answer anywhere (default: 0)")
    _where_it_runs(p)
    p.add_argument("--uniform-weights", action="store_true",
                   help="draw weights uniformly (no preference stated) instead of around the chosen ones")
    p.add_argument("--fixed-scores", action="store_true", help="keep today's scores; draw the weights only")
    _common(p)
    _out(p, "ROBUSTNESS.xlsx")
    return p


def add_frontier_parser(sub) -> argparse.ArgumentParser:
    from devolve.present.robustness import LIMITS_BY_WORD

    p = sub.add_parser(
        "frontier",
        help="what more (or less) money would buy: value against a £ limit",
        description=("Make the best plan at each value of one £ limit, from £0 to what the plan would use with the "
                     "limit lifted, and show the plan's value against it, which decisions enter at each step and "
                     "where returns fall away."),
    )
    p.add_argument("file", metavar="FILE", help="service workbook (.xlsx) or Services sheet (.csv)")
    p.add_argument("--limit", choices=tuple(LIMITS_BY_WORD), default="transition",
                   help="the limit to vary: the one-off transition budget or the contingency reserve "
                        "(default: transition)")
    p.add_argument("--steps", type=_whole(2, "steps"), metavar="N",
                   help="equal steps from £0 to the top (default: 12), today's setting added among them")
    _where_it_runs(p)
    _common(p)
    _out(p, "FRONTIER.xlsx")
    return p


def add_compare_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "compare",
        help="plan several scenarios and show them side by side",
        description=("Plan the workbook under each scenario file and show them side by side (value, money, "
                     "residents, volunteer hours, binding limits) with every decision that differs."),
    )
    p.add_argument("file", metavar="FILE", help="service workbook (.xlsx) or Services sheet (.csv)")
    p.add_argument("--scenario", action="append", default=[], metavar="S.toml",
                   help="a scenario file (.toml); give two or more")
    _common(p, scenario=False)
    _out(p, "COMPARE.xlsx", required=False)
    p.set_defaults(usage=p.format_usage())
    return p


# ------------------------------------------------------------------------------ the runs


def run_sensitivity(args: argparse.Namespace) -> int:
    from devolve.present.robustness import sensitivity_lines, sensitivity_sheets
    from devolve.usecases import acceptability, weight_stability

    out = Path(args.out)
    trouble = _before(out, args.force, "the sensitivity workbook (--out)", args.dask)
    if trouble is not None:
        return trouble
    progress = Progress()
    today = _today(args, progress)
    if isinstance(today, int):
        return today
    assessment, model, plan = today

    progress("Testing the plan against each weight moved alone")
    t0 = time.perf_counter()
    stability = weight_stability(model, plan, progress=Pieces("weights"))
    took = time.perf_counter() - t0
    where = (f"on the Dask cluster at {args.dask}" if args.dask
             else "in this process" if args.workers == 1 else "on local processes")
    progress(f"Making the plan again under {args.samples:,} samples of the weights"
             + ("" if args.fixed_scores else " and scores") + f" {where}")
    try:
        found = acceptability(model, plan, samples=args.samples, seed=args.seed, uniform=args.uniform_weights,
                              scores=not args.fixed_scores, workers=args.workers, dask=args.dask,
                              progress=Pieces("pieces of the samples"))
    except (OSError, TimeoutError) as exc:
        if args.dask is None:
            raise
        return _no_cluster(args.dask, exc)
    progress.done()

    progress("Writing the sensitivity workbook")
    try:
        write_sheets(sensitivity_sheets(assessment, plan, stability, found), out)
    except OSError as exc:
        return cannot_write(out, exc)
    progress.done()
    for line in sensitivity_lines(assessment, plan, stability, found, stability_seconds=took):
        print(line)
    print(f"Sensitivity written to {out}")
    return 0


def run_frontier(args: argparse.Namespace) -> int:
    from devolve.present.robustness import LIMITS_BY_WORD, frontier_chart, frontier_lines, frontier_sheets
    from devolve.usecases import value_frontier

    out = Path(args.out)
    trouble = _before(out, args.force, "the frontier workbook (--out)", args.dask)
    if trouble is not None:
        return trouble
    progress = Progress()
    today = _today(args, progress)
    if isinstance(today, int):
        return today
    assessment, model, plan = today

    family = LIMITS_BY_WORD[args.limit]
    progress(f"Planning at each value of the {args.limit} limit" + (f" on the Dask cluster at {args.dask}"
                                                                     if args.dask else ""))
    try:
        frontier = value_frontier(model, plan, family, steps=args.steps, workers=args.workers, dask=args.dask,
                                  progress=Pieces("chains of points along the frontier"))
    except (OSError, TimeoutError) as exc:
        if args.dask is None:
            raise
        return _no_cluster(args.dask, exc)
    progress.done()

    progress("Writing the frontier workbook")
    try:
        write_sheets(frontier_sheets(assessment, plan, frontier), out, charts=(frontier_chart(frontier),))
    except OSError as exc:
        return cannot_write(out, exc)
    progress.done()
    for line in frontier_lines(plan, frontier):
        print(line)
    print(f"Frontier written to {out}")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from devolve.present.robustness import COMPARE_FIXED, compare_sheets, comparison_lines, scenario_names
    from devolve.present.problems import print_problems
    from devolve.usecases import CannotPlan, compare_scenarios, load_scenario, read_input

    if len(args.scenario) < 2:
        print(f"{args.usage}devolve compare: error: give at least two scenarios to compare "
              "(--scenario A.toml --scenario B.toml)", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out is not None:
        trouble = _before(out, args.force, "the comparison workbook (--out)", None)
        if trouble is not None:
            return trouble
    progress = Progress()
    progress("Reading the workbook")
    assessment, warnings = read_input(args.file, rubric=args.rubric)
    if warnings.problems:
        print_problems(warnings, file=sys.stderr)
    loaded = [load_scenario(path, assessment) for path in args.scenario]
    given = [Path(path).stem if s.name == assessment.scenario.name else s.name
             for path, s in zip(args.scenario, loaded)]
    names = scenario_names(given, [Path(path).stem for path in args.scenario], taken=COMPARE_FIXED)
    scenarios = [s.replace(name=n) for s, n in zip(loaded, names)]
    try:
        plans = compare_scenarios(assessment, scenarios, progress=progress)
    except CannotPlan:
        return _no_neighbourhoods(args.file)
    progress.done()

    if out is not None:
        progress("Writing the comparison workbook")
        try:
            write_sheets(compare_sheets(assessment, names, scenarios, plans), out)
        except OSError as exc:
            return cannot_write(out, exc)
        progress.done()
    for line in comparison_lines(assessment, names, scenarios, plans):
        print(line)
    if out is not None:
        print(f"Comparison written to {out}")
    return 0


# ------------------------------------------------------------------------- shared steps


def _before(out: Path, force: bool, what: str, dask: str | None) -> int | None:
    """2, having said why, when the run could not end well (an output that may not be written, a
    cluster address that is no address); else None, before any time is spent."""
    if refuse_output(out, force, what):
        return 2
    if not out.parent.is_dir():
        print(f"devolve: cannot write {out}: there is no folder '{out.parent}'", file=sys.stderr)
        return 2
    if dask is not None:
        trouble = _dask_trouble(dask)
        if trouble:
            print(f"devolve: {trouble}", file=sys.stderr)
            return 2
    return None


def _dask_trouble(address: str) -> str | None:
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


def _no_cluster(address: str, exc: BaseException) -> int:
    said = str(exc).strip() or type(exc).__name__
    print(f"devolve: cannot use the Dask cluster at {address}: {said}. Is its scheduler running, and reachable "
          "from here?", file=sys.stderr)
    return 2


def _no_neighbourhoods(file: str) -> int:
    print(f"devolve: {Path(file).name} has no Neighbourhoods sheet (or it is empty); the plan needs at least one "
          "neighbourhood", file=sys.stderr)
    return 2


def _today(args: argparse.Namespace, progress: Progress):
    """The assessment, its built model and today's plan; or the exit code, having said why there
    is no plan to test."""
    from devolve.present.problems import print_problems
    from devolve.present.words import obstacle_lines
    from devolve.usecases import CannotPlan, plan_and_explain, plan_model, read_input

    progress("Reading the workbook")
    assessment, warnings = read_input(args.file, rubric=args.rubric, scenario=args.scenario)
    if warnings.problems:
        print_problems(warnings, file=sys.stderr)
    try:
        plan = plan_and_explain(assessment, progress=progress, price_of_uniformity=False)
        model = plan_model(assessment)
    except CannotPlan:
        return _no_neighbourhoods(args.file)
    progress.done()
    if not plan.status.has_plan:
        name = assessment.scenario.name
        print(f"devolve: the scenario '{name}' cannot be met, so there is no plan to test:" if plan.diagnosis
              else f"devolve: no plan was found for the scenario '{name}' in the time allowed:", file=sys.stderr)
        for line in obstacle_lines(assessment, plan):
            print(f"  - {line}", file=sys.stderr)
        return 2
    return assessment, model, plan


class Pieces:
    """Work done in pieces, shown on stderr: a bar redrawn in place on a terminal; elsewhere (a
    log, a pipe) a line at each tenth of the work, so a log stays short."""

    WIDTH = 30

    def __init__(self, what: str, stream=None):
        self.what = what
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = -1
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        took = time.perf_counter() - self.start
        if self.tty:
            filled = round(self.WIDTH * done / total)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            end = "\n" if done >= total else ""
            print(f"\r  [{bar}] {done:,} of {total:,} {self.what}, {took:,.0f} s", end=end,
                  file=self.stream, flush=True)
            return
        tenth = done * 10 // total
        if tenth > self.shown:
            self.shown = tenth
            print(f"  {done:,} of {total:,} {self.what} done ({done / total:.0%}), {took:,.0f} s",
                  file=self.stream, flush=True)


# ------------------------------------------------------------------------ the workbook


HEADER_FILL = "1F4E78"
HEADER_FONT = "FFFFFF"
MONEY_FORMAT = '"£"#,##0'
SHARE_FORMAT = "0.0%"
MARGIN_FORMAT = '"±"0.0%'
COUNT_FORMAT = "#,##0"
VALUE_FORMAT = "#,##0.0##"
"""A figure with a fraction (benefit units, seconds): up to three places, no trailing zeros."""
WIDEST = 60
"""Columns are as wide as their contents up to this many characters; longer text wraps."""
HEADER_WIDTH = 22
LINE_POINTS = 15
SERIES_COLOURS = ("08519C", "969696")
"""A chart's first line dark blue (the plan's value), the next grey and dashed (the bound), as the
app's frontier chart draws them."""
TALLEST = 409
"""The tallest row a spreadsheet allows, in points."""


def _kind(header: str) -> str | None:
    """How a column (or a summary's row) is formatted, from the unit its name gives in brackets:
    "(£" money, "(±" a margin, "(%" a share; else by its value ("90%" in words is not a unit)."""
    h = header.lower()
    if "(±" in h:
        return "margin"
    if "(£" in h:
        return "money"
    if "(%" in h:
        return "share"
    return None


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as plain Python; missing values as blank cells."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NAType", "NaTType"):
        return None
    return value


def write_sheets(sheets: Mapping[str, Any], out: Path, *, charts: Sequence[Any] = ()) -> None:
    """Write each DataFrame as a styled sheet, in order (the first is the one the workbook opens
    on), each chart beside its sheet's table, and save atomically."""
    import openpyxl

    from devolve.present.robustness import BAND_COLOURS, BAND_COLUMN

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, frame in sheets.items():
        ws = workbook.create_sheet(_sheet_title(title))
        headers = [str(c) for c in frame.columns]
        rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]
        colours = {BAND_COLUMN: BAND_COLOURS}
        _table(ws, headers, rows, colours)
    for chart in charts:
        _chart(workbook[_sheet_title(chart.sheet)], chart)
    workbook.active = 0
    workbook.worksheets[0].sheet_view.tabSelected = True
    _save_atomically(workbook, out)


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "Sheet"


def _put(cell: Any, value: Any) -> None:
    """Text always as text, with Excel's quote prefix, so it can never become a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # after the value: openpyxl takes text beginning "=" for a formula
        cell.quotePrefix = True
    else:
        cell.value = value


def _format(value: Any, kind: str | None) -> str | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if kind == "money":
        return MONEY_FORMAT
    if kind == "share":
        return SHARE_FORMAT
    if kind == "margin":
        return MARGIN_FORMAT
    if isinstance(value, float) and value != int(value):
        return VALUE_FORMAT
    return COUNT_FORMAT


def _shown(value: Any, kind: str | None) -> str:
    """About what a cell shows, to size its column."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "money":
            return f"£{value:,.0f}"
        if kind in ("share", "margin"):
            return f"±{value:.1%}"
        return f"{value:,.3f}" if isinstance(value, float) and value != int(value) else f"{value:,.0f}"
    return str(value)


def _table(ws: Any, headers: list[str], rows: list[list[Any]], colours: Mapping[str, Mapping[str, tuple[str, str]]]
           ) -> None:
    """A styled table: bold filled header, frozen and filterable, £ and % formatted, long text
    wrapped, and a band column coloured by what it says (the words stay)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    by_row = bool(headers) and headers[0] in ("Item", "Measure")
    kinds = [_kind(h) for h in headers]
    head_font, head_fill = Font(bold=True, color=HEADER_FONT), PatternFill("solid", fgColor=HEADER_FILL)
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j)
        _put(cell, header)
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)

    def kinds_of(row: list[Any]) -> list[str | None]:
        if by_row:
            return [None] + [_kind(str(row[0]))] * (len(headers) - 1)
        return kinds

    longest = [min(HEADER_WIDTH, len(h)) for h in headers]
    for row in rows[:500]:
        these = kinds_of(row)
        for j, value in enumerate(row):
            if value is not None:
                longest[j] = max(longest[j], len(_shown(value, these[j])))
    sizes = [min(WIDEST, max(10, n + 2)) for n in longest]
    paints = {j: {words.lower(): (PatternFill("solid", fgColor=back), Font(color=ink))
                  for words, (back, ink) in colours[h].items()}
              for j, h in enumerate(headers) if h in colours}
    top = Alignment(vertical="top", wrap_text=True)
    for i, row in enumerate(rows, start=2):
        these = kinds_of(row)
        lines = 1
        for j, value in enumerate(row):
            if value is None:
                continue
            cell = ws.cell(row=i, column=j + 1)
            _put(cell, value)
            number = _format(value, these[j])
            if number:
                cell.number_format = number
            cell.alignment = top  # a row grown by wrapped text reads from the top, every cell of it
            if isinstance(value, str):
                if len(value) > sizes[j]:
                    lines = max(lines, math.ceil(len(value) / max(sizes[j] - 1, 1)))
                paint = paints.get(j, {}).get(value.strip().lower())
                if paint:
                    cell.fill, cell.font = paint
        if lines > 1:  # spreadsheets do not always grow a row for text they did not wrap themselves
            ws.row_dimensions[i].height = min(TALLEST, LINE_POINTS * lines)
    for j, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(j)].width = size
    header_lines = max((math.ceil(len(h) / max(sizes[j] - 1, 1)) for j, h in enumerate(headers)), default=1)
    if header_lines > 1:
        ws.row_dimensions[1].height = min(TALLEST, LINE_POINTS * header_lines)
    ws.freeze_panes = "A2"
    if headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sum(sizes) > 100 else "portrait"
    ws.print_title_rows = "1:1"


def _chart(ws: Any, spec: Any) -> None:
    """A scatter chart with lines: each ``y`` column against the ``x`` column, axes titled, placed
    below the table (so it prints on the table's pages, at their width)."""
    from openpyxl.chart import Reference, ScatterChart, Series

    headers = [c.value for c in ws[1]]
    last = ws.max_row
    if last < 2:
        return
    chart = ScatterChart()
    chart.title = spec.title
    chart.style = 13
    chart.height, chart.width = 9, 18
    chart.x_axis.title = spec.x_title
    chart.y_axis.title = spec.y_title
    chart.x_axis.number_format = MONEY_FORMAT
    chart.x_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl 3.1 hides both axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend.position = "b"
    xs = Reference(ws, min_col=headers.index(spec.x) + 1, min_row=2, max_row=last)
    for k, name in enumerate(spec.y):
        ys = Reference(ws, min_col=headers.index(name) + 1, min_row=1, max_row=last)
        series = Series(ys, xs, title_from_data=True)
        colour = SERIES_COLOURS[min(k, len(SERIES_COLOURS) - 1)]
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt, in EMU
        series.marker.symbol = "circle" if k == 0 else "none"
        if k == 0:
            series.marker.size = 6
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
        else:  # the bound: dashed, so the two lines differ by more than colour
            series.graphicalProperties.line.dashStyle = "dash"
        series.smooth = False
        chart.series.append(series)
    ws.add_chart(chart, f"A{last + 3}")


def _save_atomically(workbook: Any, path: Path) -> None:
    """Save next to the target, then rename: a failed save never leaves half a file."""
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, prefix=".devolve-", dir=path.parent)
    os.close(fd)
    try:
        workbook.save(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes the file private; give it a new file's mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
