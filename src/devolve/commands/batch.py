"""``devolve batch FOLDER --out comparison.xlsx``: every council's workbook in a folder read,
checked and planned, and the councils compared.

Each workbook is planned as ``devolve assess FILE`` plans it (the same plan), on local processes
(``--workers K``) or an existing Dask cluster (``--dask ADDRESS``). A workbook that cannot be read
is listed with every problem in it and never stops the others. Exit 0 when every workbook was
planned; 2 when any could not be (broken, or its scenario cannot be met), the comparison written
all the same, or when nothing could be done at all (no folder, no workbook in it, an output that
may not be written, a scenario or rubric file with mistakes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from devolve.commands.output import Progress, before_run, cannot_write, dask_trouble, no_cluster, whole_number


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "batch",
        help="plan every council's workbook in a folder and compare them",
        description=("Read, check and plan every workbook (.xlsx, .ods, .csv) in FOLDER as devolve assess would, and "
                     "compare the councils: what each devolves, its £ a year and once, residents reached, volunteer "
                     "hours, binding limits and how near the best each plan is; the services they share, matched "
                     "by LGSL id; and every problem in the workbooks that could not be read. Exits 0 when every "
                     "workbook was planned, 2 when any was not (the comparison is written all the same)."),
    )
    p.add_argument("folder", metavar="FOLDER", help="the folder holding the councils' workbooks (not its sub-folders)")
    p.add_argument("--out", metavar="COMPARISON.xlsx", help="where to write the comparison workbook (.xlsx)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    p.add_argument("--scenario", help="scenario settings (.toml) applied over every workbook's Scenario sheet")
    p.add_argument("--rubric", help="rubric file (.toml) for every workbook; default: the default rubric devolve "
                   "ships with")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=whole_number(1, "workers"), metavar="K",
                       help="local processes to plan on, one council each at a time (default: one per core)")
    where.add_argument("--dask", metavar="ADDRESS",
                       help="plan on an existing Dask cluster, its scheduler at ADDRESS (tcp://host:8786)")
    return p


def run(args: argparse.Namespace) -> int:
    from devolve.core.comparison import Outcome
    from devolve.present.comparison import arrival_line, bar_charts, comparison_lines, comparison_sheets, heat_grid
    from devolve.usecases import plan_councils, rubric_from, workbooks_in, write_comparison_workbook

    folder = Path(args.folder)
    if not folder.is_dir():
        said = "is a file, not a folder" if folder.exists() else "does not exist"
        print(f"devolve: '{folder}' {said}; give the folder that holds the councils' workbooks", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out is not None:
        refused = before_run(out, args.force, "the comparison (--out)", args.dask)
        if refused is not None:
            return refused
    elif args.dask is not None and (trouble := dask_trouble(args.dask)):
        print(f"devolve: {trouble}", file=sys.stderr)
        return 2
    found = workbooks_in(folder, leave_out=out)
    if found.others:
        print(f"devolve: left out, as they are not spreadsheets: {', '.join(found.others)}", file=sys.stderr)
    if not found.workbooks:
        print(f"devolve: there is no workbook (.xlsx, .ods, .csv) in '{folder}'", file=sys.stderr)
        return 2

    where = (f"on the Dask cluster at {args.dask}" if args.dask
             else "in this process" if args.workers == 1 or len(found.workbooks) == 1 else "on local processes")
    progress = Progress()
    progress(f"Planning {len(found.workbooks):,} workbooks {where}" if len(found.workbooks) != 1
             else f"Planning 1 workbook {where}")
    t0 = time.perf_counter()
    done = [0]

    def arrived(result) -> None:  # one line a workbook as it is done: a log of the run, on a terminal or not
        done[0] += 1
        print(f"  [{done[0]}/{len(found.workbooks)}] {arrival_line(result)}", file=sys.stderr, flush=True)

    try:
        comparison = plan_councils(found.workbooks, rubric=args.rubric, scenario=args.scenario,
                                   workers=args.workers, dask=args.dask, arrived=arrived)
    except (OSError, TimeoutError) as exc:
        if args.dask is None:
            raise
        return no_cluster(args.dask, exc)
    took = time.perf_counter() - t0
    progress.done()

    code = 0 if comparison.counted(Outcome.PLANNED) == len(comparison.results) else 2
    if out is not None:
        about = [("Folder", str(folder.resolve())),
                 ("Rubric", rubric_from(args.rubric).name),
                 ("Scenario", f"{Path(args.scenario).name}, over each workbook's own Scenario sheet" if args.scenario
                  else "each workbook's own Scenario sheet"),
                 ("Where the plans were made", where.removeprefix("on ").removeprefix("in ")),
                 ("Seconds taken (s)", round(took, 1))]
        progress("Writing the comparison workbook")
        try:
            write_comparison_workbook(comparison_sheets(comparison, about), out, heat=(heat_grid(comparison),),
                                      charts=bar_charts())
        except OSError as exc:
            return cannot_write(out, exc)
        progress.done()
    for line in comparison_lines(comparison):
        print(line)
    if out is not None:
        print(f"Comparison written to {out}")
    else:
        print("No comparison workbook was written: give --out comparison.xlsx for one.")
    if code:
        print("devolve: not every workbook could be planned (see above); exit code 2", file=sys.stderr)
    return code
