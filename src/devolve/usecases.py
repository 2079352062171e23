"""What people do with devolve, each as one call: the command line and the app stand on these,
so each command or page is a thin shell around one of them.

Nothing here prints or draws; progress is reported through an optional callback that takes
one short message per step ("Solving…"). The solver and the plan tables are imported only by
the calls that plan, so checking a file or writing a template starts in a fraction of the time.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

from devolve.core.comparison import Comparison, CouncilResult, broken
from devolve.core.domain import Assessment
from devolve.core.plan import Obstacle, ObstacleKind, Plan, PlanStatus
from devolve.core.problems import ProblemReport
from devolve.core.rubric import Rubric
from devolve.io.problem_csv import write_problems_csv
from devolve.io.read import find_problems, read_assessment, read_sample
from devolve.io.template import write_template
from devolve.io.toml import load_rubric, load_scenario_toml
from devolve.io.write import write_workbook

if TYPE_CHECKING:
    from devolve.workspace.store import Opened, PlanRecord, Summary, Workspace

WORKSPACE_NAMES = ("Change", "Conflict", "Locked", "NameTaken", "NotFound", "Opened", "PlanRecord", "RecordedPlan",
                   "ScoreEdit", "Summary", "Workspace", "WorkspaceError", "local")
"""The workspace's own words, offered here; the database library loads only when a command
uses the workspace, so checking a file starts as fast as before."""


def __getattr__(name: str) -> Any:
    if name in WORKSPACE_NAMES:
        from devolve.workspace import store

        return getattr(store, name)
    if name == "WorkerLost":
        from devolve.apart import WorkerLost

        return WorkerLost
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

Progress = Callable[[str], None]
PathLike = str | Path | Traversable


class CannotPlan(Exception):
    """The assessment is valid but there is nothing to plan for (no neighbourhood)."""


def rubric_from(path: PathLike | None = None) -> Rubric:
    """The rubric in ``path``, or the bundled default rubric."""
    return load_rubric(path)


def validate_file(path: str | Path, *, rubric: PathLike | None = None,
                  display_name: str | None = None) -> ProblemReport:
    """Every problem in an input file, errors and warnings; never raises for the file's content."""
    return find_problems(path, rubric_from(rubric), display_name=display_name)


def read_input(path: str | Path, *, rubric: PathLike | None = None, scenario: PathLike | None = None,
               display_name: str | None = None) -> tuple[Assessment, ProblemReport]:
    """An input workbook read against a rubric, its scenario overridden by a TOML file if given.

    Raises :class:`~devolve.core.problems.InvalidInput` naming every problem in either file.
    """
    chosen = rubric_from(rubric)
    assessment, warnings = read_assessment(path, chosen, display_name=display_name)
    if scenario is not None:
        assessment = assessment.replace(scenario=load_scenario_toml(scenario, chosen, assessment.scenario))
    return assessment, warnings


def load_scenario(path: PathLike, assessment: Assessment):
    """The assessment's scenario with the settings in a TOML file applied over it."""
    return load_scenario_toml(path, assessment.rubric, assessment.scenario)


def plan_and_explain(assessment: Assessment, progress: Progress | None = None, *,
                     price_of_uniformity: bool = True) -> Plan:
    """The recommended plan for an assessment under its scenario, explained.

    An impossible scenario comes back as a plan with no decisions and a ``diagnosis``; a
    feasible one with nearest alternatives, near misses, marginal values and (unless switched
    off, as it costs a second solve) the price of uniformity.
    """
    from devolve.optimise.diagnose import ELASTIC_SECONDS as DIAGNOSIS_SECONDS
    from devolve.optimise.diagnose import diagnose
    from devolve.optimise.explain import explain
    from devolve.optimise.model import build_model
    from devolve.optimise.solve import solve

    if not assessment.neighbourhoods:
        raise CannotPlan("the plan needs at least one neighbourhood")
    say = progress or (lambda message: None)
    say("Building model…")
    model = build_model(assessment)
    plan = solve(model, progress=progress)
    if plan.status == PlanStatus.INFEASIBLE:
        say(f"Finding out why no plan meets the limits (at most {DIAGNOSIS_SECONDS:g} s)…")
        return plan.replace(diagnosis=diagnose(model))
    if plan.objective is None:
        return plan.replace(diagnosis=(Obstacle(kind=ObstacleKind.NO_PLAN_IN_TIME),))
    say("Explaining the plan…")
    return explain(model, plan, price_of_uniformity=price_of_uniformity)


def plan_apart(assessment: Assessment, progress: Progress | None = None, *,
               price_of_uniformity: bool = True) -> Plan:
    """:func:`plan_and_explain` in a worker process of its own (:mod:`devolve.apart`), stopped if
    a solver run overruns its deadline by more than the stated margin: what the app and the
    command line call, so that a time limit is kept whatever the solver does, and one
    session's solve never slows another's."""
    from devolve import apart

    if not assessment.neighbourhoods:
        raise CannotPlan("the plan needs at least one neighbourhood")
    try:
        return apart.run_apart(plan_and_explain, (assessment,), {"price_of_uniformity": price_of_uniformity},
                               progress=progress or (lambda step: None))
    except apart.Overran as e:
        return apart.stopped_plan(assessment.scenario, e)


def plan_model(assessment: Assessment):
    """The built model of an assessment under its scenario: immutable, so one copy can be shared
    (the app keeps one per inputs) and re-planned from with other weights."""
    from devolve.optimise.model import build_model

    if not assessment.neighbourhoods:
        raise CannotPlan("the plan needs at least one neighbourhood")
    return build_model(assessment)


QUICK_GAP = 0.01
"""How near the best a plan tried with other weights is proven (or the scenario's gap, if looser)."""
QUICK_SECONDS = 5.0
"""A guard on a plan tried with other weights, never reached on the sample (its worst is about
1.5 s): a time limit that binds would make the answer depend on how busy the machine is."""


def try_weights(model, weights: dict, kept: Plan) -> Plan:
    """The plan under other weights, from the model already built (only the objective changes),
    by LP relaxation, fix and repair alone: about a quarter of a second on the sample (the
    repair's work is limited by nodes, not time, so the same weights give the same plan however
    busy the machine). The kept plan is the one to beat: it stands unless a better plan
    is found (none is looked for while it is within half of :data:`QUICK_GAP` of the LP bound), so
    what changes is the weights' doing, not the difference between two equally good plans. The gap is proven and
    reported like any plan's; the activities' fates are not worked out (make the plan for those)."""
    from devolve.optimise.solve import SolveRoute, solve

    changed = model.with_weights(weights)
    return solve(changed, start=kept, route=SolveRoute.LP_FIX, time_limit=QUICK_SECONDS,
                 relative_gap=max(QUICK_GAP, changed.scenario.relative_gap))


def try_weights_apart(model, weights: dict, kept: Plan, progress: Progress | None = None) -> Plan:
    """:func:`try_weights` in a worker process of its own, like :func:`plan_apart`."""
    from devolve import apart

    try:
        return apart.run_apart(try_weights, (model, weights, kept), progress=progress, relay=False)
    except apart.Overran as e:
        return apart.stopped_plan(model.scenario, e)


def write_plan_workbook(assessment: Assessment, plan: Plan, out: str | Path) -> None:
    """The plan's sheets (Summary first, then Checks, Fate of each activity, Decisions and the
    rest) and, after them, the assessment's, in one workbook that opens on the summary and loads
    again as the same assessment; the plan itself is kept in it too, for :func:`read_plan_workbook`."""
    from devolve.present.tables import plan_sheets

    write_workbook(assessment, out, extra_sheets=plan_sheets(assessment, plan), plan=plan)


def read_plan_workbook(path: str | Path, *, display_name: str | None = None) -> tuple[Assessment, Plan]:
    """The assessment and the plan kept in a plan workbook, read under the rubric the plan was made
    with; :class:`InvalidInput` when it holds no plan, or its inputs were edited since."""
    from devolve.io.plan_sheet import read_plan_sheet, still_answers

    name = display_name or Path(path).name
    plan, rubric, digest = read_plan_sheet(path, name)
    assessment, _ = read_assessment(path, rubric, display_name=name)
    still_answers(assessment, digest, name)
    return assessment, plan


def report_version(workspace: Workspace, record: PlanRecord) -> str:
    """How a report names the version of the assessment its plan was made from: the assessment and
    revision, and, when that version is locked for cabinet, who locked it and when."""
    said = f"'{record.assessment}', revision {record.revision} (plan {record.id})"
    summary = workspace.summary(record.assessment)
    if summary.locked_at is not None and summary.revision == record.revision:
        when = summary.locked_at.astimezone()  # the day as the council's clock shows it
        said += f", locked by {summary.locked_by} on {when.day} {when:%B %Y}"
        if summary.lock_note:
            said += f" ({summary.lock_note})"
    return said


def write_report_template(out: str | Path) -> None:
    """devolve's own Word template for the cabinet report (A4, Arial 12 pt), for a council to restyle."""
    from devolve.io.docx import house_template
    from devolve.io.xlsx import save_atomically

    save_atomically(house_template(), Path(out))


def template_problem(path: str | Path, *, display_name: str | None = None) -> str | None:
    """Why a council's Word template cannot be used, in words, or None."""
    from devolve.io.docx import template_problem as problem

    return problem(Path(path), display_name)


def write_cabinet_report(assessment: Assessment, plan: Plan, out: str | Path, *, details=None,
                         template: str | Path | None = None, sources: tuple[str, ...] = (),
                         robustness=None) -> None:
    """The cabinet report on a plan, as a Word document in the council's template (else devolve's),
    with what is known of how sure the plan is (:func:`robustness_for_report`)."""
    from devolve.io.docx import write_report
    from devolve.present.report import cabinet_report

    document = cabinet_report(assessment, plan, details, sources=sources, robustness=robustness)
    write_report(document, out, template=template, author=details.report_of if details else None)


def write_blank_template(out: str | Path, rubric: Rubric | None = None) -> None:
    """A blank input workbook with drop-downs, hints and a README sheet (default rubric's lists)."""
    write_template(out, rubric if rubric is not None else rubric_from())


def write_problem_report(report: ProblemReport, out: str | Path) -> None:
    """Every problem as a CSV table a consultant can sort and filter, safe to open in Excel."""
    write_problems_csv(report, out)


def sample_assessment() -> tuple[Assessment, ProblemReport]:
    """The bundled sample council, read like any other workbook."""
    return read_sample(rubric_from())


def open_workspace(url: str | None = None, *, create: bool = True) -> Workspace:
    """The workspace at ``url`` (else ``DEVOLVE_WORKSPACE``, else the user's own SQLite file),
    made (unless ``create`` is False) and brought up to date if need be."""
    from devolve.workspace.store import Workspace

    return Workspace(url, create=create)


def import_workbook(workspace: Workspace, path: str | Path, *, name: str | None = None,
                    rubric: PathLike | None = None, scenario: PathLike | None = None,
                    display_name: str | None = None, by: str | None = None) -> tuple[Summary, ProblemReport]:
    """A workbook kept in the workspace as a new assessment (named after the file unless
    ``name`` is given), with its warnings. A workbook with errors is not kept at all."""
    shown = display_name or Path(path).name
    assessment, warnings = read_input(path, rubric=rubric, scenario=scenario, display_name=shown)
    chosen = name or Path(shown).stem
    return workspace.import_assessment(assessment, chosen, source=shown, by=by), warnings


def import_into(workspace: Workspace, path: str | Path, into: str, *, rubric: PathLike | None = None,
                scenario: PathLike | None = None, display_name: str | None = None
                ) -> tuple[int, dict[str, dict[str, int]], ProblemReport]:
    """A revised workbook brought into the assessment called ``into``: what differs is written
    as that assessment's next revision, every change audited (a score the workbook no longer has
    is removed). Returns the new revision, the changes counted by kind and by what changed
    (``{"added": {"score": 3}, …}``) and the workbook's warnings."""
    from devolve.workspace.rows import assessment_rows, differences

    shown = display_name or Path(path).name
    assessment, warnings = read_input(path, rubric=rubric, scenario=scenario, display_name=shown)
    opened = workspace.open(into)
    counted: dict[str, dict[str, int]] = {}
    for change in differences(assessment_rows(opened.assessment), assessment_rows(assessment)):
        kind = "added" if change.old is None else "removed" if change.new is None else "changed"
        if change.subject == "scenario" and kind == "removed":
            continue  # scenarios are kept by name
        counted.setdefault(kind, {}).setdefault(change.subject, 0)
        counted[kind][change.subject] += 1
    return workspace.save(opened, assessment), counted, warnings


def export_workbook(workspace: Workspace, name: str, out: str | Path, *, scenario: str | None = None) -> Opened:
    """An assessment in the workspace written as an input workbook that reads back the same."""
    opened = workspace.open(name, scenario)
    write_workbook(opened.assessment, out)
    return opened


def plan_in_workspace(workspace: Workspace, assessment: Assessment, plan: Plan, *, name: str,
                      opened: Opened | None = None, source: str | None = None,
                      command: str | None = None, by: str | None = None) -> PlanRecord:
    """Keep a plan, and the assessment it is for, in the workspace.

    A plan of an assessment ``opened`` from the workspace is kept with it, at the revision read.
    A plan of a workbook is kept with the assessment called ``name`` when its content is the
    same (whatever the scenario: the plan keeps its own); otherwise the workbook is imported
    first, as ``name`` or, when that name holds something else, ``name (2)``, ``name (3)``…
    """
    from devolve.workspace.rows import assessment_rows

    if opened is not None:
        return workspace.record_plan(opened.name, assessment, plan, revision=opened.revision, command=command,
                                     by=by)
    chosen = name
    mine = _content(assessment_rows(assessment))
    taken = set(workspace.names())
    suffix = 1
    while chosen in taken:
        if _content(assessment_rows(workspace.open(chosen).assessment)) == mine:
            break
        suffix += 1
        chosen = f"{name} ({suffix})"
    else:
        workspace.import_assessment(assessment, chosen, source=source, by=by)
    return workspace.record_plan(chosen, assessment, plan, command=command, by=by)


def rerun_plan(workspace: Workspace, plan_id: int, progress: Progress | None = None) -> tuple[PlanRecord, Plan]:
    """A kept plan made again from exactly what it was made from (assessment, scenario and
    rubric as they were), and kept beside it."""
    kept = workspace.plan(plan_id)
    plan = plan_apart(kept.assessment, progress)
    record = workspace.record_plan(kept.record.assessment, kept.assessment, plan, revision=kept.record.revision,
                                   command=f"devolve workspace plan {plan_id} --rerun")
    return record, plan


def _content(rows: dict) -> dict:
    return {subject: table for subject, table in rows.items() if subject != "scenario"}


# ------------------------------------------------------------------------ how sure the plan is

Count = Callable[[int, int], None]
"""Progress of work done in pieces: called with (done, in all)."""


def weight_stability(model, plan: Plan, progress: Count | None = None):
    """For each benefit, how far its weight can move (the others in proportion) before the plan
    changes, and which decisions change first: about two seconds on the sample."""
    from devolve.optimise.robust import stability

    return stability(model, plan, progress=progress)


def samples_per_piece(samples: int) -> int:
    """How many samples each piece of work plans (progress moves a piece at a time)."""
    from devolve.optimise.robust import piece_size

    return piece_size(samples)


def acceptability(model, plan: Plan, *, samples: int = 1000, seed: int = 0, uniform: bool = False,
                  scores: bool = True, workers: int | None = None, dask: str | None = None,
                  progress: Count | None = None):
    """How often each decision is chosen when the weights (around today's, or uniformly) and
    the scores (one assessor's, or a default a level either way) are drawn at random and the
    plan made again for each: on local processes, or on the Dask cluster at ``dask``. The same
    seed gives the same answer on either."""
    import time

    from devolve import scale
    from devolve.optimise import robust

    how = robust.draws(model, uniform=uniform, scores=scores)
    t0 = time.perf_counter()
    pieces = [(how, seed, first, count) for first, count in robust.sample_pieces(samples)]
    used = 1 if dask else min(workers or scale.default_workers(), len(pieces))
    tallies = scale.run(scale.samples_piece, pieces, model, plan, workers=used, dask=dask, progress=progress)
    total = sum(tallies[1:], tallies[0])
    return robust.acceptability(model, plan, total, how, seed, seconds=time.perf_counter() - t0,
                                workers=used, engine=scale.dask_engine(dask))


def value_frontier(model, plan: Plan, family=None, *, steps: int | None = None, workers: int | None = None,
                   dask: str | None = None, progress: Count | None = None):
    """The plan's value against one £ limit (the transition budget unless ``family`` says),
    from £0 to what the plan would use with the limit lifted, each point a plan in its own right."""
    import time

    from devolve import scale
    from devolve.core.limits import Family
    from devolve.optimise import robust
    from devolve.optimise.solve import solve

    family = Family(family or Family.TRANSITION_BUDGET)
    t0 = time.perf_counter()
    lifted = solve(model.with_scenario(robust.lifted_scenario(model.scenario, family)))
    limits = robust.frontier_limits(model, family, lifted, steps or robust.FRONTIER_STEPS)
    chains = robust.frontier_pieces(limits)
    planned = scale.run(scale.frontier_piece, [(family, chain) for chain in chains], model, plan,
                        workers=workers, dask=dask, progress=progress)
    by_limit = {v: p for chain, plans in zip(chains, planned) for v, p in zip(chain, plans)}
    return robust.frontier(model, family, robust.carried_forward(model, family, [(v, by_limit[v]) for v in limits]),
                           seconds=time.perf_counter() - t0)


def compare_scenarios(assessment: Assessment, scenarios: list, progress: Progress | None = None) -> list[Plan]:
    """The plan under each scenario, in order, each solved like any plan (explained, without the
    price of uniformity, which would double the time)."""
    say = progress or (lambda message: None)
    plans = []
    for i, scenario in enumerate(scenarios, 1):
        say(f"Planning scenario {i} of {len(scenarios)}: {scenario.name}…")
        plans.append(plan_apart(assessment.replace(scenario=scenario), price_of_uniformity=False))
    return plans


def robustness_for_report(assessment: Assessment, plan: Plan, *, samples: int = 0, workers: int | None = None,
                          progress: Progress | None = None):
    """How sure a plan is, for its cabinet report: the weight stability (a few seconds on the
    sample) and, when ``samples`` is more than 0, that many acceptability samples."""
    from devolve.core.robustness import Robustness

    if not plan.decisions:
        return Robustness()
    say = progress or (lambda message: None)
    model = plan_model(assessment)
    say("Testing the plan against other weights…")
    stable = weight_stability(model, plan)
    found = None
    if samples > 0:
        say(f"Making the plan again under {samples:,} samples of the weights and scores…")
        found = acceptability(model, plan, samples=samples, workers=workers)
    return Robustness(stability=stable, acceptability=found)


def write_robustness_workbook(sheets, out: str | Path, *, charts=()) -> None:
    """The robustness tables (sensitivity, frontier, compare) as one workbook, bands coloured and
    the frontier charted, written by the io layer so every workbook devolve writes looks alike."""
    from devolve.io.robustness_xlsx import write_sheets
    from devolve.present.robustness import BAND_COLOURS, BAND_COLUMN

    write_sheets(sheets, Path(out), colours={BAND_COLUMN: BAND_COLOURS}, charts=charts)


# ------------------------------------------------------------------------ many councils at once

SPREADSHEET_SUFFIXES = (".xlsx", ".xltx", ".xlsm", ".xltm", ".xls", ".xlsb", ".csv", ".ods")
"""Files a batch hands to the reader: every kind of spreadsheet a council might send. The reader
takes what it can and refuses the rest with the step that makes it readable (save as .xlsx), so
such a file is listed as broken, with that step, rather than passed over in silence."""


class Folder(NamedTuple):
    """A folder's spreadsheets, by name, and the other files in it (left out, but named)."""

    workbooks: tuple[Path, ...]
    others: tuple[str, ...]


def workbooks_in(folder: str | Path, *, leave_out: str | Path | None = None) -> Folder:
    """The spreadsheets in ``folder`` (not its sub-folders), by name; hidden files, Excel's own
    lock files (``~$name.xlsx``, there while a workbook is open) and ``leave_out`` (the
    comparison being written) are passed over."""
    folder = Path(folder)
    skip = Path(leave_out).resolve() if leave_out is not None else None
    workbooks, others = [], []
    for path in sorted(folder.iterdir(), key=lambda p: p.name.casefold()):
        if path.name.startswith((".", "~$")) or not path.is_file() or (skip is not None and path.resolve() == skip):
            continue
        (workbooks if path.suffix.lower() in SPREADSHEET_SUFFIXES else others).append(path)
    return Folder(tuple(workbooks), tuple(p.name for p in others))


def plan_councils(files: Sequence[str | Path], *, rubric: PathLike | None = None, scenario: PathLike | None = None,
                  workers: int | None = None, dask: str | None = None, progress: Count | None = None,
                  arrived: Callable[[CouncilResult], None] | None = None) -> Comparison:
    """Each workbook read, checked and planned as ``devolve assess`` would (the same rubric and
    ``--scenario`` for all, the plan the same as a run of its own), then compared: on local
    processes, or on the Dask cluster at ``dask``. A workbook that cannot be read is kept with its
    problems, one whose scenario cannot be met with the reasons, and neither stops the others.
    Each workbook travels to its worker as bytes, so a cluster need not see this machine's files;
    the biggest start first. ``arrived`` hears each council's result as it comes."""
    from devolve import scale
    from devolve.assess.assemble import default_scenario
    from devolve.core.comparison import compare_councils, council_names
    from devolve.io.guard import MAX_FILE_BYTES

    chosen = rubric_from(rubric)
    shared: dict[str, Any] = {"rubric": chosen, "scenario": None}
    if scenario is not None:  # checked once here, so a mistake in it is one message, not one per council
        load_scenario_toml(scenario, chosen, default_scenario(chosen, ()))
        shared["scenario"] = (_name_of(scenario), _bytes_of(scenario))
    paths = [Path(f) for f in files]
    names = council_names([p.name for p in paths])
    results: list[CouncilResult | None] = [None] * len(paths)
    pieces = []
    for i, (path, council) in enumerate(zip(paths, names)):
        try:
            size = path.stat().st_size
            content = path.read_bytes() if size <= MAX_FILE_BYTES else None  # a huge file is never loaded whole
        except OSError:  # gone, or not ours to read: the reader's guard says which
            content = None
        if content is None:
            results[i] = broken(path.name, council, find_problems(path, chosen, display_name=path.name).problems)
            if arrived is not None:
                arrived(results[i])
            continue
        pieces.append((size, i, (council, path.name, content)))
    pieces.sort(key=lambda p: -p[0])  # the biggest first, so no long plan starts last
    used = 1 if dask else min(workers or scale.default_workers(), max(len(pieces), 1))
    planned = scale.run_each(plan_council, [p for _, _, p in pieces], shared, workers=used, dask=dask,
                             progress=progress, arrived=(lambda k, result: arrived(result)) if arrived else None)
    for (_, i, _), result in zip(pieces, planned):
        results[i] = result
    return compare_councils([r for r in results if r is not None])


def plan_council(state: dict[str, Any], council: str, file: str, content: bytes) -> CouncilResult:
    """One council's workbook (its name and bytes) read, checked and planned, as ``devolve
    assess`` does it, into the figures councils are compared by; run wherever :mod:`devolve.scale`
    sends it, ``state`` holding the rubric and the scenario file (its name and bytes) if any."""
    import tempfile
    import time

    from devolve.core.comparison import CouncilResult, council_figures
    from devolve.core.problems import InvalidInput
    from devolve.present.words import obstacle_lines

    t0 = time.perf_counter()
    rubric = state["rubric"]
    with tempfile.TemporaryDirectory(prefix="devolve-batch-") as tmp:
        path = Path(tmp) / Path(file).name
        path.write_bytes(content)
        try:
            assessment, warnings = read_assessment(path, rubric, display_name=file)
            if state.get("scenario") is not None:
                name, text = state["scenario"]
                given = Path(tmp) / "scenario" / name
                given.parent.mkdir()
                given.write_bytes(text)
                assessment = assessment.replace(scenario=load_scenario_toml(given, rubric, assessment.scenario))
        except InvalidInput as exc:
            return broken(file, council, exc.report.problems)
    try:
        plan = plan_and_explain(assessment, price_of_uniformity=False)
    except CannotPlan:
        return CouncilResult(council=council, file=file, problems=warnings,
                             why_no_plan=("it has no Neighbourhoods sheet (or it is empty); the plan needs at least "
                                          "one neighbourhood",))
    except Exception as exc:  # a bug in devolve on one council must not lose every other council's plan
        return CouncilResult(council=council, file=file, problems=warnings, why_no_plan=(
            f"devolve failed on this workbook ({type(exc).__name__}: {exc}): a bug in devolve, not in the file; "
            f"devolve assess {file} with DEVOLVE_DEBUG=1 shows the details for a report",))
    return CouncilResult(council=council, file=file, problems=warnings,
                         figures=council_figures(assessment, plan, seconds=time.perf_counter() - t0),
                         why_no_plan=tuple(obstacle_lines(assessment, plan)) if plan.diagnosis else ())


def _name_of(path: PathLike) -> str:
    return Path(str(path)).name if not isinstance(path, Traversable) else path.name


def _bytes_of(path: PathLike) -> bytes:
    return Path(path).read_bytes() if isinstance(path, (str, Path)) else path.read_bytes()


def write_comparison_workbook(sheets, out: str | Path, *, heat=(), charts=()) -> None:
    """The comparison of many councils as one workbook, written by the io layer as every
    workbook devolve writes is: its heat grid shaded, its bar charts beside their table."""
    from devolve.io.comparison_xlsx import write_comparison

    write_comparison(sheets, Path(out), heat=heat, charts=charts)
