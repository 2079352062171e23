"""Benchmark the optimiser on a seeded synthetic council: ``python -m devolve.bench --scale S|M|L``.

The council is :func:`devolve.testing.synthetic_assessment`: a mix of service types, log-normal
budgets, some statutory services, some assessed scores, neighbourhoods of varied size and age
profile, three partnership configurations, and limits set so that they bind. Timings are split
into build (options, matrix, presolve), solve (inside HiGHS or CBC) and extraction (the Plan),
and the ratio of time outside the solver to time inside is printed: the speed bar of
docs/model.md ("Speed") is that this stays a small fraction.

Scales: S = 40 services × 12 neighbourhoods, M = 200 × 33 (Leeds), L = 700 × 69 (Birmingham).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from devolve.core.terms import SolverName
from devolve.optimise.model import build_model
from devolve.optimise.solve import SolveRoute, solve
from devolve.present.words import note_text
from devolve.testing import synthetic_assessment

SCALES = {"S": (40, 12), "M": (200, 33), "L": (700, 69)}


def run(scale: str, *, solver: str = "highs", seed: int = 0, method: str = "auto",
        time_limit: float = 120.0) -> dict:
    services, hoods = SCALES[scale]
    t0 = time.perf_counter()
    assessment = synthetic_assessment(services, hoods, seed=seed, solver=SolverName(solver),
                                      time_limit=time_limit)
    generate = time.perf_counter() - t0
    t_start = time.perf_counter()
    model = build_model(assessment)
    plan = solve(model, route=SolveRoute(method))
    total = time.perf_counter() - t_start
    outside = total - plan.solve_seconds
    return {
        "scale": scale,
        "services": services,
        "neighbourhoods": hoods,
        "binaries": model.matrix.n_cols,
        "rows": model.matrix.n_rows,
        "nonzeros": int(len(model.matrix.data)),
        "solver": plan.solver,
        "method": plan.method.value,
        "status": plan.status.value,
        "generate_seconds": round(generate, 3),
        "build_seconds": round(plan.build_seconds, 3),
        "solve_seconds": round(plan.solve_seconds, 3),
        "extract_seconds": round(plan.extract_seconds, 3),
        "total_seconds": round(total, 3),
        "outside_over_inside": round(outside / plan.solve_seconds, 3) if plan.solve_seconds else None,
        "objective": plan.objective,
        "best_bound": plan.best_bound,
        "gap": plan.gap,
        "devolved": plan.devolved,
        "binding": [f"{lim.family.value}[{lim.neighbourhood_id}]" if lim.neighbourhood_id else lim.family.value
                    for lim in plan.limits if lim.binding],
        "notes": [note_text(n) for n in plan.notes],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devolve.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--solver", choices=["highs", "cbc"], default="highs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--method", choices=[r.value for r in SolveRoute], default=SolveRoute.AUTO.value)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.scale, solver=args.solver, seed=args.seed, method=args.method,
                 time_limit=args.time_limit)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    r = result
    binding = r["binding"]
    print(f"scale {r['scale']}: {r['services']} services x {r['neighbourhoods']} neighbourhoods, "
          f"{r['binaries']:,} binaries, {r['rows']:,} rows, {r['nonzeros']:,} nonzeros")
    print(f"method {r['method']} ({r['solver']}), status {r['status']}")
    print(f"build {r['build_seconds']:.3f} s  solve {r['solve_seconds']:.3f} s  "
          f"extract {r['extract_seconds']:.3f} s  total {r['total_seconds']:.3f} s  "
          f"(generating the council: {r['generate_seconds']:.2f} s, not counted)")
    gap = "n/a" if r["gap"] is None else f"{100 * r['gap']:.3f}%"
    obj = "n/a" if r["objective"] is None else f"{r['objective']:.4f}"
    bnd = "n/a" if r["best_bound"] is None else f"{r['best_bound']:.4f}"
    print(f"objective {obj}  bound {bnd}  gap {gap}  devolved {r['devolved']:,}")
    print(f"time outside the solver / inside: {r['outside_over_inside']}")
    print(f"binding limits: {len(binding)} ({', '.join(binding[:8])}{', …' if len(binding) > 8 else ''})")
    for note in r["notes"]:
        print(f"  note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
