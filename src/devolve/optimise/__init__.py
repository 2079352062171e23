"""The optimiser: options valued and costed, the MILP built once, solved fast and honestly.

* :func:`~devolve.optimise.model.build_model` — the immutable model of an assessment, from
  which ``with_weights`` / ``with_limit`` / ``with_scenario`` derive new ones cheaply;
* :func:`~devolve.optimise.solve.solve` — a model in, a :class:`~devolve.core.plan.Plan` out;
* :func:`~devolve.optimise.explain.explain` and :func:`~devolve.optimise.diagnose.diagnose` —
  why the plan is what it is, or why there is none;
* :func:`~devolve.optimise.check.check_plan` — an independent check of a plan, without the solver.

The mathematics is in docs/model.md.
"""
