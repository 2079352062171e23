"""Benchmark the optimiser on a seeded synthetic council: ``python -m devolve.bench --scale S|M|L``.

The council is a real :class:`~devolve.domain.Assessment` built from domain objects and
:func:`~devolve.decompose.decompose`: a mix of service types, log-normal budgets, some statutory
services, some assessed scores, neighbourhoods of varied size and age profile, three partnership
configurations, and limits set so that they bind. Timings are split into build (options, matrix,
presolve), solve (inside HiGHS or CBC) and extraction (the Plan), and the ratio of time outside
the solver to time inside is printed, as DESIGN.md §7 asks.

Scales: S = 40 services × 12 neighbourhoods, M = 200 × 33 (Leeds), L = 700 × 69 (Birmingham).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from devolve.decompose import ActivityRecord, decompose, default_volunteer_hours
from devolve.domain import (
    CRITERIA,
    STAGES,
    Assessment,
    Neighbourhood,
    Rubric,
    Scenario,
    Service,
    ServiceType,
    SolverName,
)

SCALES = {"S": (40, 12), "M": (200, 33), "L": (700, 69)}
CONFIGURATIONS = ("citizen_coproduction", "third_sector_intermediary", "community_organisation")
DIRECTORATES = ("Adults", "Children", "Place", "Resources", "Public Health", "Housing")


def synthetic_assessment(
    services: int,
    neighbourhoods: int,
    *,
    seed: int = 0,
    rubric: Rubric | None = None,
    solver: SolverName = SolverName.HIGHS,
    time_limit: float = 120.0,
    relative_gap: float = 0.01,
) -> Assessment:
    """A seeded, realistic synthetic council (see the module docstring)."""
    from devolve.rubric import load_rubric

    rubric = rubric or load_rubric()
    rng = np.random.default_rng(seed)
    types = list(ServiceType)
    outcome_keys = sorted(rubric.outcomes)
    svc: list[Service] = []
    for i in range(services):
        t = types[rng.choice(len(types), p=[0.3, 0.35, 0.2, 0.15])]
        svc.append(
            Service(
                service_id=f"S{i + 1:04d}",
                name=f"Service {i + 1}",
                directorate=DIRECTORATES[int(rng.integers(len(DIRECTORATES)))],
                service_type=t,
                annual_budget=float(round(np.exp(rng.normal(np.log(1_500_000), 1.0)), -3)),
                statutory=bool(rng.random() < 0.3),
                outcomes=tuple(rng.choice(outcome_keys, size=int(rng.integers(0, 3)), replace=False)),
            )
        )
    # some activities assessed by one or two assessors, scores near the prior
    records: list[ActivityRecord] = []
    from devolve.decompose import default_scores

    for s in svc:
        for stage in STAGES:
            if rng.random() < 0.35:
                base = default_scores(rubric, s, stage)
                for who in ("assessor A", "assessor B")[: int(rng.integers(1, 3))]:
                    scores = {
                        c: int(np.clip(base[c] + rng.integers(-1, 2), rubric.scale_min, rubric.scale_max))
                        for c in CRITERIA
                    }
                    records.append(ActivityRecord(s.service_id, stage, assessor=who, scores=scores))
    activities = decompose(rubric, svc, records)

    hoods: list[Neighbourhood] = []
    for j in range(neighbourhoods):
        pop = int(np.clip(np.exp(rng.normal(np.log(12_000), 0.45)), 3_000, 40_000))
        old = float(np.clip(rng.normal(0.18, 0.06), 0.05, 0.4))
        hoods.append(
            Neighbourhood(
                neighbourhood_id=f"N{j + 1:03d}",
                name=f"Neighbourhood {j + 1}",
                population=pop,
                share_aged_65_plus=old,
                volunteer_hours=default_volunteer_hours(rubric, pop, old),
                intermediaries=int(rng.poisson(pop / 2_500)),
            )
        )
    total_budget = sum(s.annual_budget for s in svc)
    scenario = Scenario(
        name=f"Synthetic {services}x{neighbourhoods} seed {seed}",
        weights=rubric.default_weights(),
        # limits sized to the council so that they bind at every scale
        transition_budget=round(0.004 * total_budget + 2_000 * neighbourhoods * services / 10, -3),
        running_cost_limit=-round(0.00005 * total_budget, -3),  # a required saving
        contingency_reserve=round(0.001 * total_budget, -3),
        capacity_use=0.04,
        configurations=CONFIGURATIONS,
        min_collective_share=0.3,
        solver=solver,
        time_limit_seconds=time_limit,
        relative_gap=relative_gap,
    )
    return Assessment(
        rubric=rubric, services=tuple(svc), activities=activities, neighbourhoods=tuple(hoods),
        scenario=scenario,
    )


def run(scale: str, *, solver: str = "highs", seed: int = 0, method: str = "auto",
        time_limit: float = 120.0) -> dict:
    from devolve.optimise.model import DevolutionModel

    services, hoods = SCALES[scale]
    t0 = time.perf_counter()
    assessment = synthetic_assessment(services, hoods, seed=seed, solver=SolverName(solver),
                                      time_limit=time_limit)
    generate = time.perf_counter() - t0
    t_start = time.perf_counter()
    model = DevolutionModel(assessment)
    plan = model.solve(method=method)
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
        "method": plan.method,
        "status": plan.status,
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
        "binding": [f"{lim.name}[{lim.scope}]" if lim.scope else lim.name for lim in plan.limits if lim.binding],
        "notes": list(plan.notes),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devolve.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--solver", choices=["highs", "cbc"], default="highs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--method", choices=["auto", "exact", "lp_fix", "exact_pulp"], default="auto")
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
