"""Benchmark the optimiser on a seeded synthetic council: ``python -m devolve.bench --scale S|M|L``.

The council is :func:`devolve.testing.synthetic_assessment`: a mix of service types, log-normal
budgets, some statutory services, some assessed scores, neighbourhoods of varied size and age
profile, three partnership configurations, and limits set so that they bind. Timings are split
into build (options, matrix, presolve), solve (inside HiGHS or CBC) and extraction (the Plan),
and the ratio of time outside the solver to time inside is printed: the speed bar of
docs/model.md, section 11, is that this stays a small fraction.

Scales: S = 40 services × 12 neighbourhoods, M = 200 × 33 (Leeds), L = 700 × 69 (Birmingham).
The council is also written to a workbook and read back, so the time from workbook to plan is
reported too, and the wall-clock seconds of the solve against its ``--time-limit``: a solve may
overrun its limit only by a small margin. ``--capacity-use SHARE`` sets the share of each
neighbourhood's volunteer hours the plan may call on (the synthetic scenario's is 0.5): at 0.01 the
capacity limit binds in every neighbourhood, the council the deadline stress test solves
(tests/optimise/test_deadlines.py).

``--memory`` measures peak memory instead: the council of ``--scale`` (L for 700 services × 69
neighbourhoods) is written to a workbook whose scenario has ``--time-limit``, then ``devolve validate``,
``devolve assess --out`` and the app (Streamlit's AppTest uploading the workbook, keeping it in a
workspace and making the plan) each run in a fresh process, and each one's peak resident memory and
seconds are printed beside the workbook's size and the machine's memory.

``--replan`` times what the app does when a weight moves: on the bundled sample, a new model from
the built one (``with_weights``) and a quick plan from the kept one (:func:`devolve.usecases.try_weights`),
for several weight vectors drawn around the scenario's, against a re-plan to the scenario's own gap
and one full plan with its explanation.

``--robustness`` times the robustness analysis of the sample (:func:`robustness`): weight
stability, ``--samples`` acceptability samples on ``--workers`` processes, the frontier, and a
warm-started LP relaxation against a cold one.

``--batch`` times ``devolve batch`` (:func:`devolve.usecases.plan_councils`) on a folder of
``--councils`` synthetic councils of mixed sizes (:data:`BATCH_SIZES`, in turn): once on one worker
and once on ``--workers`` local processes (two by default), or on the Dask cluster at ``--dask``,
and prints the councils planned a minute per worker on each, how the second scales against the
first as ratios, and whether the two comparisons agree.

``--workspace [URL]`` times the workspace instead: keeping the sample and the council of
``--scale`` (a 700-service council at L) as new assessments, reading them back, one score
entered, and an export to a workbook, against reading the same council from its workbook
(a fresh SQLite file unless a URL is given).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from devolve.core import Assessment
from devolve.core.terms import BENEFITS, SolverName
from devolve.io.read import read_assessment
from devolve.io.write import write_workbook
from devolve.optimise.model import build_model
from devolve.optimise.solve import SolveRoute, solve
from devolve.present.words import note_text
from devolve.testing import synthetic_assessment

SCALES = {"S": (40, 12), "M": (200, 33), "L": (700, 69)}
WEIGHT_CONCENTRATION = 10
"""How far ``--replan``'s weight vectors stray from the scenario's (Dirichlet concentration): at 10,
a weight of 0.45 is typically moved by about 0.15, as an officer trying a slider would."""


def council(scale: str, *, seed: int = 0, solver: str = "highs", time_limit: float = 120.0,
            capacity_use: float | None = None) -> Assessment:
    """The benchmark council of ``scale``; ``capacity_use`` (a share, 0 to 1) in place of the
    synthetic scenario's 0.5 makes the volunteer-hours limit bind harder (at 0.01, in every
    neighbourhood)."""
    services, hoods = SCALES[scale]
    assessment = synthetic_assessment(services, hoods, seed=seed, solver=SolverName(solver), time_limit=time_limit)
    return assessment if capacity_use is None else with_capacity_use(assessment, capacity_use)


def with_capacity_use(assessment: Assessment, share: float) -> Assessment:
    """``assessment`` with its scenario's ``capacity_use`` set to ``share`` (validated: 0 to 1)."""
    return assessment.replace(scenario=assessment.scenario.replace(capacity_use=share))


def run(scale: str, *, solver: str = "highs", seed: int = 0, method: str = "auto",
        time_limit: float = 120.0, capacity_use: float | None = None) -> dict:
    services, hoods = SCALES[scale]
    t0 = time.perf_counter()
    assessment = council(scale, seed=seed, solver=solver, time_limit=time_limit, capacity_use=capacity_use)
    generate = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        workbook = Path(tmp) / "council.xlsx"
        write_workbook(assessment, workbook)
        t_read = time.perf_counter()
        read_assessment(workbook, assessment.rubric)
        read = time.perf_counter() - t_read
    t_start = time.perf_counter()
    model = build_model(assessment)
    t_solve = time.perf_counter()
    plan = solve(model, route=SolveRoute(method))
    wall = time.perf_counter() - t_solve
    total = time.perf_counter() - t_start
    outside = total - plan.solve_seconds
    return {
        "scale": scale,
        "services": services,
        "neighbourhoods": hoods,
        "binaries": int(model.matrix.integral.sum()),
        "rows": model.matrix.n_rows,
        "nonzeros": int(len(model.matrix.data)),
        "capacity_use": assessment.scenario.capacity_use,
        "solver": plan.solver,
        "method": plan.method.value,
        "status": plan.status.value,
        "generate_seconds": round(generate, 3),
        "read_seconds": round(read, 3),
        "build_seconds": round(plan.build_seconds, 3),
        "solve_seconds": round(plan.solve_seconds, 3),
        "extract_seconds": round(plan.extract_seconds, 3),
        "total_seconds": round(total, 3),
        "solve_wall_seconds": round(wall, 3),
        "time_limit_seconds": assessment.scenario.time_limit_seconds,
        "workbook_to_plan_seconds": round(read + total, 3),
        "outside_over_inside": round(outside / plan.solve_seconds, 3) if plan.solve_seconds else None,
        "objective": plan.objective,
        "best_bound": plan.best_bound,
        "gap": plan.gap,
        "devolved": plan.devolved,
        "partnerships": len(plan.partnerships),
        "binding": [f"{lim.family.value}[{lim.neighbourhood_id}]" if lim.neighbourhood_id else lim.family.value
                    for lim in plan.limits if lim.binding],
        "notes": [note_text(n) for n in plan.notes],
    }


def replan(samples: int = 10, seed: int = 0) -> dict:
    """Seconds to re-plan the bundled sample after a weight change (median and worst of
    ``samples`` weight vectors drawn around the scenario's): what the app does when a weight moves
    (:func:`devolve.usecases.try_weights`, from the kept plan), against a re-plan to the
    scenario's own gap from the same plan, and a full plan with its explanation."""
    from devolve.usecases import plan_and_explain, sample_assessment, try_weights

    assessment, _ = sample_assessment()
    t0 = time.perf_counter()
    model = build_model(assessment)
    built = time.perf_counter() - t0
    t = time.perf_counter()
    kept = plan_and_explain(assessment)
    explained = time.perf_counter() - t
    rng = np.random.default_rng(seed)
    base = np.array([assessment.scenario.weights[b] for b in BENEFITS])
    tried, full, changed = [], [], []
    for _ in range(samples):
        weights = dict(zip(BENEFITS, rng.dirichlet(WEIGHT_CONCENTRATION * base / base.sum()).tolist()))
        t = time.perf_counter()
        plan = try_weights(model, weights, kept)
        tried.append(time.perf_counter() - t)
        t = time.perf_counter()
        solve(model.with_weights(weights), start=kept)
        full.append(time.perf_counter() - t)
        changed.append(len(_decisions(plan) ^ _decisions(kept)))
    return {
        "council": assessment.scenario.name,
        "build_seconds": round(built, 3),
        "samples": samples,
        "tried_median_seconds": round(statistics.median(tried), 3),
        "tried_worst_seconds": round(max(tried), 3),
        "full_median_seconds": round(statistics.median(full), 3),
        "full_worst_seconds": round(max(full), 3),
        "full_over_tried_median": round(statistics.median(full) / statistics.median(tried), 2),
        "decisions_changed_median": statistics.median(changed),
        "decisions_changed_most": max(changed),
        "plan_and_explain_seconds": round(explained, 3),
    }


def robustness(samples: int = 1000, workers: int | None = None, seed: int = 0) -> dict:
    """Seconds for the robustness analysis of the bundled sample: the weight stability of every
    benefit; ``samples`` acceptability samples with weights and scores drawn, and again with the
    weights alone; the value-for-money frontier over the transition budget; and, on a few of the
    samples, one LP relaxation started from today's basis against one started cold."""
    from devolve import scale, usecases
    from devolve.core.robustness import Band
    from devolve.optimise import robust
    from devolve.optimise.highs import Deadline
    from devolve.optimise.presolve import column_upper
    from devolve.optimise.repair import solve_lp_fix

    assessment, _ = usecases.sample_assessment()
    model = build_model(assessment)
    plan = solve(model)
    workers = workers or scale.default_workers()
    out: dict = {"council": assessment.scenario.name, "samples": samples, "workers": workers,
                 "options": int(model.options.open.sum())}
    t = time.perf_counter()
    usecases.weight_stability(model, plan)
    out["stability_seconds"] = round(time.perf_counter() - t, 2)
    for label, scores in (("weights_and_scores", True), ("weights_only", False)):
        t = time.perf_counter()
        found = usecases.acceptability(model, plan, samples=samples, seed=seed, scores=scores, workers=workers)
        took = time.perf_counter() - t
        out[label] = {"seconds": round(took, 1), "per_sample_seconds": round(took / samples, 3),
                      "per_sample_per_worker_seconds": round(took * workers / samples, 3),
                      "today_stands": round(found.stands / samples, 3),
                      "robust_core": len(found.band(Band.CORE)),
                      "margin": round(found.margin, 4)}
    t = time.perf_counter()
    front = usecases.value_frontier(model, plan, workers=workers)
    out["frontier_seconds"] = round(time.perf_counter() - t, 1)
    out["frontier_points"] = len(front.points)
    rp = robust.Replanner(model, plan)
    how = robust.draws(model)
    warm, cold = [], []
    for i in range(5):
        w, sc = how.sample(seed, i)
        changed = model.with_weights(robust.as_weights(w), sc)
        upper = column_upper(changed, changed.options.open)
        for basis, into in ((rp.basis, warm), (None, cold)):
            raw = solve_lp_fix(changed, upper, Deadline.after(60), rp.gap, warm=basis, rounds=())
            into.append(raw.notes[0].figures["seconds"])
    out["lp_warm_median_seconds"] = round(statistics.median(warm), 3)
    out["lp_cold_median_seconds"] = round(statistics.median(cold), 3)
    out["lp_cold_over_warm"] = round(statistics.median(cold) / statistics.median(warm), 2)
    return out


BATCH_SIZES = ((30, 10), (8, 4), (12, 6), (20, 8), (40, 12), (10, 4))
"""Services × neighbourhoods of the councils in ``--batch``'s folder, taken in turn: from a
district's handful of services to the benchmark's S."""


def batch(councils: int = 6, workers: int = 2, dask: str | None = None, seed: int = 0,
          sizes: tuple[tuple[int, int], ...] | None = None) -> dict:
    """Seconds to plan a folder of ``councils`` synthetic councils (their sizes taken in turn from
    ``sizes``, each written to a workbook) on one worker, then on ``workers`` local processes or
    the Dask cluster at ``dask``: councils a minute per worker on each, the speed-up and the
    efficiency (the speed-up over the workers) as ratios, and whether both gave the same plans. A
    council stopped at its time limit is counted: it takes the limit however many workers there
    are, and the bound it proves in that time depends on how busy the machine is, so for it the
    same plan is asked for, not the same bound."""
    from devolve.core.comparison import Outcome
    from devolve.core.plan import PlanStatus
    from devolve.usecases import plan_councils, workbooks_in

    sizes = sizes or BATCH_SIZES
    chosen = [sizes[i % len(sizes)] for i in range(councils)]
    out: dict = {"councils": councils, "sizes": [f"{s} x {h}" for s, h in chosen],
                 "engine": f"Dask cluster at {dask}" if dask else f"{workers} local processes"}
    with tempfile.TemporaryDirectory() as tmp:
        for i, (services, hoods) in enumerate(chosen):
            write_workbook(synthetic_assessment(services, hoods, seed=seed + i), Path(tmp) / f"council-{i + 1:02d}.xlsx")
        files = workbooks_in(tmp).workbooks
        runs = {}
        for label, how in (("one", {"workers": 1}), ("many", {"dask": dask} if dask else {"workers": workers})):
            t = time.perf_counter()
            comparison = plan_councils(files, **how)
            runs[label] = (time.perf_counter() - t, comparison)
    many = workers if not dask else None
    one_seconds, one = runs["one"]
    many_seconds, other = runs["many"]
    planned = one.counted(Outcome.PLANNED)
    out.update({
        "planned": planned,
        "one_worker_seconds": round(one_seconds, 1),
        "many_workers_seconds": round(many_seconds, 1),
        "workers": many,
        "work_seconds": round(sum(r.figures.seconds for r in one.results if r.figures), 1),
        "many_work_seconds": round(sum(r.figures.seconds for r in other.results if r.figures), 1),
        "longest_council_seconds": round(max((r.figures.seconds for r in one.results if r.figures), default=0.0), 1),
        "one_worker_councils_a_minute": round(60 * planned / one_seconds, 2),
        "many_councils_a_minute_per_worker": round(60 * planned / many_seconds / many, 2) if many else None,
        "speed_up": round(one_seconds / many_seconds, 2),
        "efficiency": round(one_seconds / many_seconds / many, 2) if many else None,
        # no run can end before its longest council does, however many workers there are
        "best_speed_up": round(min(many or councils, one_seconds / max(max(
            (r.figures.seconds for r in one.results if r.figures), default=0.0), 1e-9)), 2),
        "stopped_at_time_limit": sum(1 for r in one.results if r.figures and r.figures.status == PlanStatus.FEASIBLE),
        "same_answers": _figures_of(one) == _figures_of(other),
    })
    return out


def _figures_of(comparison) -> list:
    """Every council's figures but the seconds it took (which differ from run to run) and, for a
    plan stopped at its time limit, the bound and gap it reached in that time."""
    from dataclasses import replace

    from devolve.core.plan import PlanStatus

    def kept(f):
        f = replace(f, seconds=0.0)
        return replace(f, best_bound=None, gap=None) if f.status == PlanStatus.FEASIBLE else f

    return [(r.council, r.outcome, kept(r.figures) if r.figures else None) for r in comparison.results]


def _decisions(plan) -> set[tuple[str, str, str]]:
    return {(x.activity_id, x.neighbourhood_id, x.configuration) for x in plan.decisions}


def workspace(scale: str = "L", url: str | None = None, repeats: int = 5, seed: int = 0) -> dict:
    """Seconds (median of ``repeats``) for the workspace's everyday steps, on the sample and on
    the council of ``scale``; ratios are against reading the same council from its workbook."""
    from devolve.core.terms import Criterion, Stage
    from devolve.usecases import ScoreEdit, open_workspace, sample_assessment

    councils = {"sample": sample_assessment()[0], scale: synthetic_assessment(*SCALES[scale], seed=seed)}
    out: dict = {"repeats": repeats}
    with tempfile.TemporaryDirectory() as tmp:
        with open_workspace(url or str(Path(tmp) / "bench.sqlite")) as ws:
            out["workspace"] = ws.where
            for label, assessment in councils.items():
                workbook = Path(tmp) / f"{label}.xlsx"
                write_workbook(assessment, workbook)
                timed: dict[str, list[float]] = {k: [] for k in ("workbook_read", "import", "read_back", "edit",
                                                                 "export")}
                for i in range(repeats):
                    name = f"bench {label} {i} {time.time_ns()}"
                    t = time.perf_counter()
                    read_assessment(workbook, assessment.rubric)
                    timed["workbook_read"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    ws.import_assessment(assessment, name, by="bench")
                    timed["import"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    opened = ws.open(name)
                    timed["read_back"].append(time.perf_counter() - t)
                    assert opened.assessment == assessment, "the workspace gave back another assessment"
                    first = assessment.services[0].service_id
                    t = time.perf_counter()
                    ws.record_scores(name, [ScoreEdit(first, Stage.DELIVERY, Criterion.OUTCOMES, "bench", 3)],
                                     seen=opened.revision, by="bench")
                    timed["edit"].append(time.perf_counter() - t)
                    t = time.perf_counter()
                    write_workbook(ws.open(name).assessment, Path(tmp) / "exported.xlsx")
                    timed["export"].append(time.perf_counter() - t)
                medians = {k: round(statistics.median(v), 4) for k, v in timed.items()}
                out[label] = {
                    "services": len(assessment.services), "neighbourhoods": len(assessment.neighbourhoods),
                    **{f"{k}_seconds": v for k, v in medians.items()},
                    "read_back_over_workbook_read": round(medians["read_back"] / medians["workbook_read"], 3),
                }
    return out


APP_STEP = """
import json, os, sys, time
from streamlit.testing.v1 import AppTest
app, workbook = sys.argv[1:3]
at = AppTest.from_file(app, default_timeout=float(sys.argv[3]))
at.run()
content = open(workbook, "rb").read()
t = time.perf_counter()
at.file_uploader[0].set_value((os.path.basename(workbook), content,
                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
said = [m.value for m in (*at.success, *at.error)]
next(b for b in at.button if b.label == "Keep it in the workspace").click().run()
kept, in_hand = time.perf_counter() - t, at.selectbox[0].value
at.switch_page("src/devolve/app/pages/plan.py").run()
t = time.perf_counter()
next(b for b in at.button if b.label == "Make the plan").click().run()
print(json.dumps({"upload_and_keep_seconds": round(kept, 1), "plan_seconds": round(time.perf_counter() - t, 1),
                  "said": said, "in_hand": in_hand, "errors": [e.value for e in at.error],
                  "exceptions": [e.value for e in at.exception]}))
"""
"""What ``--memory`` runs for the app: Streamlit's AppTest (the app in-process, as the app's own tests
drive it) opens the app, uploads the workbook, keeps it in the workspace and makes the plan, as an
officer would."""


PEAK = """
import json, os, resource, subprocess, sys, threading, time
try:  # orphans (a multiprocessing fork server, its workers) come to this process, to be waited for
    import ctypes
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
except (OSError, AttributeError):
    pass
me, peak, done = os.getpid(), [0], threading.Event()

def tree_kb():
    parents = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parents[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            pass
    ours, kb = {me}, 0
    while True:
        more = {pid for pid, parent in parents.items() if parent in ours} - ours
        if not more:
            break
        ours |= more
    for pid in ours - {me}:
        try:
            with open(f"/proc/{pid}/status") as f:
                kb += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return kb

def sample():
    while not done.wait(0.2):
        peak[0] = max(peak[0], tree_kb())

if os.path.isdir("/proc"):
    threading.Thread(target=sample, daemon=True).start()
t = time.perf_counter()
code = subprocess.call(sys.argv[1:])
seconds = time.perf_counter() - t
end = time.monotonic() + 30
while time.monotonic() < end:  # wait for any orphan, so that its peak is counted too
    try:
        if os.waitpid(-1, os.WNOHANG) == (0, 0):
            time.sleep(0.1)
    except ChildProcessError:
        break
done.set()
print(json.dumps([code, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, peak[0]]))
"""
"""The small process ``--memory`` runs each step under. A child's peak resident memory on Linux
starts at its parent's when it was forked (the kernel keeps the high-water mark across the exec), so a
step run straight from this (large) process would be charged for it; run from this one, it is charged
for a bare Python at most (about 10 MB). It reports the peak of the largest process of the step
(the step's own, or a worker's: orphans come to it to be waited for) and, sampled every 0.2 s, the
peak of all of them together (resident memory summed, so pages a fork shares count twice)."""


def _peak(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``command`` in a fresh process: its seconds, its peak resident memory in MB (the most
    of it and any process it waited for), its exit code and the last line it printed."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", PEAK, *command], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env, text=True)
    *lines, last = done.stdout.strip().splitlines()
    code, seconds, rss, together_kb = json.loads(last)
    rss *= 1 if sys.platform == "darwin" else 1024  # ru_maxrss is in kilobytes on Linux, bytes on macOS
    return {"seconds": round(seconds, 1), "peak_mb": round(rss / 2**20, 1),
            "peak_together_mb": round(together_kb / 2**10, 1) if together_kb else None, "exit_code": code,
            "last_line": lines[-1] if lines else ""}


def memory(scale: str = "L", time_limit: float = 60.0, seed: int = 0, app: bool = True) -> dict:
    """Peak resident memory (MB) and seconds of ``devolve validate`` and ``devolve assess --out``
    on the council of ``scale`` written to a workbook (its scenario's time limit ``time_limit``),
    each in a fresh process, and of the app on the same workbook (uploaded, kept in the workspace
    and planned, through Streamlit's AppTest, when the checkout's ``streamlit_app.py`` is at hand),
    against the machine's memory."""
    import os

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    out: dict = {"scale": scale, "services": SCALES[scale][0], "neighbourhoods": SCALES[scale][1],
                 "time_limit_seconds": time_limit, "machine_memory_mb": round(total / 2**20)}
    entry = Path(__file__).resolve().parents[2] / "streamlit_app.py"
    with tempfile.TemporaryDirectory() as tmp:
        workbook = Path(tmp) / "council.xlsx"
        write_workbook(council(scale, seed=seed, time_limit=time_limit), workbook)
        out["workbook_mb"] = round(workbook.stat().st_size / 2**20, 2)
        env = {**os.environ, "DEVOLVE_WORKSPACE": str(Path(tmp) / "workspace.sqlite")}
        cli = [sys.executable, "-m", "devolve.cli"]
        steps = {"validate": [*cli, "validate", str(workbook)],
                 "assess": [*cli, "assess", str(workbook), "--out", str(Path(tmp) / "plan.xlsx")]}
        if app and entry.exists():
            steps["app"] = [sys.executable, "-c", APP_STEP, str(entry), str(workbook), str(10 * time_limit + 300)]
        out["app_measured"] = "app" in steps
        for label, command in steps.items():
            out[label] = _peak(command, env)
    return out


def _share(text: str) -> float:
    share = float(text)
    if not 0 <= share <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return share


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devolve.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--solver", choices=["highs", "cbc"], default="highs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--method", choices=[r.value for r in SolveRoute], default=SolveRoute.AUTO.value)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--capacity-use", type=_share, metavar="SHARE",
                        help="the share of each neighbourhood's volunteer hours the plan may call on (0 to 1; "
                             "the synthetic council's is 0.5): 0.01 makes capacity bind everywhere")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--replan", action="store_true",
                        help="time re-plans after weight changes on the bundled sample instead")
    parser.add_argument("--samples", type=int,
                        help="weight changes timed by --replan (default 10), samples by --robustness (default 1000)")
    parser.add_argument("--workspace", nargs="?", const="", metavar="URL",
                        help="time the workspace instead (no URL: a fresh SQLite file); --scale picks the large council")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each step timed by --workspace")
    parser.add_argument("--robustness", action="store_true",
                        help="time the robustness analysis of the bundled sample instead (--samples, default 1000)")
    parser.add_argument("--workers", type=int,
                        help="processes for --robustness (default: one per core) or --batch (default: 2)")
    parser.add_argument("--batch", action="store_true",
                        help="time devolve batch on a folder of synthetic councils of mixed sizes instead, on one "
                             "worker and on --workers (or --dask)")
    parser.add_argument("--councils", type=int, default=6, help="councils in --batch's folder (default 6)")
    parser.add_argument("--dask", metavar="ADDRESS", help="for --batch: the Dask scheduler to compare one worker with")
    parser.add_argument("--memory", action="store_true",
                        help="measure the peak memory of devolve validate, devolve assess and the app on the council "
                             "of --scale (give L for 700 x 69) written to a workbook, each in a fresh process, "
                             "its scenario's time limit --time-limit instead")
    args = parser.parse_args(argv)
    if args.memory:
        r = memory(args.scale, args.time_limit, args.seed)
        if args.json:
            print(json.dumps(r, indent=2))
            return 0
        print(f"scale {r['scale']}: {r['services']} services x {r['neighbourhoods']} neighbourhoods, a workbook of "
              f"{r['workbook_mb']:.2f} MB (its time limit {r['time_limit_seconds']:g} s); this machine has "
              f"{r['machine_memory_mb']:,} MB of memory")
        for label, said in (("validate", "devolve validate"), ("assess", "devolve assess --out plan.xlsx"),
                            ("app", "the app (upload, keep, plan)")):
            if label in r:
                c = r[label]
                together = ("" if c["peak_together_mb"] is None
                            else f" (all its processes together, sampled: {c['peak_together_mb']:,.0f} MB)")
                print(f"  {said}: peak {c['peak_mb']:,.0f} MB in its largest process{together}, in "
                      f"{c['seconds']:.1f} s (exit code {c['exit_code']}): {c['last_line'][:200]}")
        if not r["app_measured"]:
            print("  the app was not measured: its streamlit_app.py is only in a checkout")
        return 0
    if args.batch:
        r = batch(args.councils, args.workers or 2, args.dask, args.seed)
        if args.json:
            print(json.dumps(r, indent=2))
            return 0
        print(f"{r['councils']} synthetic councils ({', '.join(r['sizes'])} services x neighbourhoods), "
              f"{r['planned']} planned ({r['stopped_at_time_limit']} stopped at the time limit); "
              f"{r['work_seconds']:.1f} s of reading and planning in all")
        print(f"  one worker: {r['one_worker_seconds']:.1f} s, {r['one_worker_councils_a_minute']:.2f} councils a minute")
        if r["workers"]:
            print(f"  {r['workers']} workers: {r['many_workers_seconds']:.1f} s, "
                  f"{r['many_councils_a_minute_per_worker']:.2f} councils a minute per worker")
            print(f"  speed-up {r['speed_up']:.2f} x from one worker to {r['workers']}; efficiency {r['efficiency']:.2f} "
                  f"(the speed-up over the workers; 1.00 is perfect); at best {r['best_speed_up']:.2f} x, as the "
                  f"longest council alone takes {r['longest_council_seconds']:.1f} s")
            print(f"  reading and planning took {r['many_work_seconds']:.1f} s in all on {r['workers']} workers, against "
                  f"{r['work_seconds']:.1f} s on one: what the workers lose to sharing the machine")
        else:
            print(f"  on the {r['engine']}: {r['many_workers_seconds']:.1f} s, speed-up {r['speed_up']:.2f} x")
        print(f"  the same plans on both: {'yes' if r['same_answers'] else 'NO'}")
        return 0
    if args.robustness:
        r = robustness(args.samples or 1000, args.workers, args.seed)
        if args.json:
            print(json.dumps(r, indent=2))
            return 0
        print(f"{r['council']} ({r['options']:,} options), on {r['workers']} worker(s):")
        print(f"  weight stability of every benefit: {r['stability_seconds']:.2f} s")
        for label, said in (("weights_and_scores", "weights and scores drawn"), ("weights_only", "weights alone drawn")):
            c = r[label]
            print(f"  {r['samples']} samples, {said}: {c['seconds']:.1f} s ({c['per_sample_per_worker_seconds']:.3f} s "
                  f"a sample per worker); today's plan stands in {100 * c['today_stands']:.1f}%; margin "
                  f"±{100 * c['margin']:.1f} points")
        print(f"  value-for-money frontier ({r['frontier_points']} points): {r['frontier_seconds']:.1f} s")
        print(f"  one LP relaxation from today's basis {r['lp_warm_median_seconds']:.3f} s against "
              f"{r['lp_cold_median_seconds']:.3f} s cold: {r['lp_cold_over_warm']:.2f} x (median of 5)")
        return 0
    if args.workspace is not None:
        r = workspace(args.scale, args.workspace or None, args.repeats, args.seed)
        if args.json:
            print(json.dumps(r, indent=2))
            return 0
        print(f"workspace {r['workspace']}, median of {r['repeats']} runs:")
        for label in [k for k in r if isinstance(r[k], dict)]:
            c = r[label]
            print(f"  {label} ({c['services']} services x {c['neighbourhoods']} neighbourhoods): import "
                  f"{c['import_seconds']:.3f} s, read back {c['read_back_seconds']:.3f} s "
                  f"({c['read_back_over_workbook_read']:.2f} x reading its workbook, {c['workbook_read_seconds']:.3f} s), "
                  f"one score entered {c['edit_seconds']:.3f} s, export to a workbook {c['export_seconds']:.3f} s")
        return 0
    if args.replan:
        r = replan(args.samples or 10, args.seed)
        if args.json:
            print(json.dumps(r, indent=2))
        else:
            print(f"{r['council']}: model built in {r['build_seconds']:.3f} s. With the weights moved, the app's "
                  f"plan (from the kept plan, to within 1%) takes {r['tried_median_seconds']:.3f} s (median of "
                  f"{r['samples']}; worst {r['tried_worst_seconds']:.3f} s) and changes "
                  f"{r['decisions_changed_median']:g} decisions (median; most {r['decisions_changed_most']}); a "
                  f"re-plan to the scenario's own gap takes {r['full_median_seconds']:.3f} s (worst "
                  f"{r['full_worst_seconds']:.3f} s), {r['full_over_tried_median']:.2f} x as long; a full plan "
                  f"with its explanation takes {r['plan_and_explain_seconds']:.3f} s")
        return 0
    result = run(args.scale, solver=args.solver, seed=args.seed, method=args.method,
                 time_limit=args.time_limit, capacity_use=args.capacity_use)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    r = result
    binding = r["binding"]
    print(f"scale {r['scale']}: {r['services']} services x {r['neighbourhoods']} neighbourhoods, "
          f"{r['binaries']:,} binaries, {r['rows']:,} rows, {r['nonzeros']:,} nonzeros")
    print(f"capacity use {r['capacity_use']:g} of each neighbourhood's volunteer hours")
    print(f"method {r['method']} ({r['solver']}), status {r['status']}; solve took {r['solve_wall_seconds']:.1f} s "
          f"of its {r['time_limit_seconds']:g} s limit")
    print(f"build {r['build_seconds']:.3f} s  solve {r['solve_seconds']:.3f} s  "
          f"extract {r['extract_seconds']:.3f} s  total {r['total_seconds']:.3f} s  "
          f"(generating the council: {r['generate_seconds']:.2f} s, not counted)")
    print(f"reading its workbook {r['read_seconds']:.3f} s; from workbook to plan {r['workbook_to_plan_seconds']:.3f} s")
    gap = "n/a" if r["gap"] is None else f"{100 * r['gap']:.3f}%"
    obj = "n/a" if r["objective"] is None else f"{r['objective']:.4f}"
    bnd = "n/a" if r["best_bound"] is None else f"{r['best_bound']:.4f}"
    print(f"objective {obj}  bound {bnd}  gap {gap}  devolved {r['devolved']:,} through "
          f"{r['partnerships']:,} partnerships")
    print(f"time outside the solver / inside: {r['outside_over_inside']}")
    print(f"binding limits: {len(binding)} ({', '.join(binding[:8])}{', …' if len(binding) > 8 else ''})")
    for note in r["notes"]:
        print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
