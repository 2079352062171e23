"""How sure a plan is: records of its weight stability, its acceptability under uncertainty and
the value-for-money frontier (docs/model.md, section 14).

Records, not sentences, like the plan's explanation: the command line, the app's Robustness page,
the workbook and the cabinet report each lay them out as they need.
"""

from __future__ import annotations

import math
from enum import Enum

from devolve.core.limits import Family
from devolve.core.terms import Benefit, Frozen, OfActivity

CORE_SHARE = 0.9
"""A decision chosen in at least this share of the samples is in the robust core."""
Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval, for the margin of a share."""


def margin(share: float, samples: int) -> float:
    """The 95% margin of a share measured over ``samples`` independent samples (normal approximation)."""
    return Z95 * math.sqrt(share * (1 - share) / samples) if samples else 1.0


class Change(OfActivity):
    """One decision that changes: an activity in a neighbourhood, from one arrangement to another
    (None: kept at today's scale)."""

    neighbourhood_id: str
    before: str | None
    after: str | None


class WeightStability(Frozen):
    """How far one benefit's weight can move, the others rescaled in proportion, while the plan
    stays within the scenario's gap of the best plan possible."""

    benefit: Benefit
    weight: float
    """Today's weight, as a share of the weights' total."""
    low: float
    high: float
    """The interval of the weight (shares) over which the plan stands."""
    below: tuple[Change, ...] = ()
    """The decisions that change first when the weight moves just below ``low`` (none at 0)."""
    above: tuple[Change, ...] = ()
    """The same just above ``high`` (none at 1)."""

    @property
    def room(self) -> float | None:
        """The smaller of the moves that change the plan, in shares; None when moving this weight
        alone, all the way to 0 and to 1, changes nothing (an end at 0 or 1 is not a change)."""
        moves = [m for m, changes in ((self.weight - self.low, self.below), (self.high - self.weight, self.above))
                 if changes]
        return min(moves) if moves else None


class Band(str, Enum):
    CORE = "robust core"
    CONTESTED = "contested"
    NEVER = "never chosen"


class DecisionShare(OfActivity):
    """How often one activity is devolved in one neighbourhood across the samples."""

    neighbourhood_id: str
    planned: str | None
    """The arrangement in today's plan; None where the plan keeps it at today's scale."""
    share: float
    """The share of samples whose plan devolves it there (under any arrangement)."""
    share_as_planned: float
    """The share whose plan devolves it there under today's arrangement (0 where not planned)."""
    samples: int

    @property
    def margin(self) -> float:
        return margin(self.share, self.samples)

    @property
    def band(self) -> Band:
        if self.share >= CORE_SHARE:
            return Band.CORE
        return Band.NEVER if self.share == 0 else Band.CONTESTED


class WeightDraw(str, Enum):
    AROUND = "around the chosen weights"
    UNIFORM = "uniform"
    """Every weighting equally likely: the team states no preference."""


class Acceptability(Frozen):
    """Re-planning under sampled weights and scores (SMAA): how often each decision is chosen."""

    samples: int
    seed: int
    weights: WeightDraw
    concentration: float | None
    """How tightly weights are drawn around the chosen ones (Dirichlet, α = concentration × weight)."""
    scores: bool
    """Whether scores were drawn too: one assessor's, or a default moved a level either way."""
    relative_gap: float
    """Each sample's plan is within this of the best plan possible under its values."""
    plans: int
    """Samples in which a plan was found in time; every share is of these."""
    stands: int
    """Samples whose re-plan kept today's plan: it was within the gap of the best possible, or no
    plan better than it was found."""
    decisions: tuple[DecisionShare, ...]
    """Every activity and neighbourhood chosen in some sample or in today's plan."""
    never: tuple[str, ...]
    """Activities (ids) that may be devolved but no sample's plan devolves anywhere."""
    seconds: float
    workers: int
    engine: str
    """Where the samples ran: "local processes" or the Dask scheduler's address."""

    @property
    def margin(self) -> float:
        """The largest 95% margin of any share at this sample count (at a share of one half)."""
        return margin(0.5, self.plans)

    def band(self, band: Band) -> tuple[DecisionShare, ...]:
        return tuple(d for d in self.decisions if d.band == band)

    @property
    def planned(self) -> tuple[DecisionShare, ...]:
        return tuple(d for d in self.decisions if d.planned is not None)


class FrontierPoint(Frozen):
    """The best plan with one limit set to ``limit``."""

    limit: float
    """The limit's value (£)."""
    found: bool
    value: float | None = None
    """In benefit units."""
    bound: float | None = None
    """No plan at this limit can be worth more (benefit units)."""
    used: float | None = None
    """£ of the limit the plan uses."""
    residents: int | None = None
    decisions: int | None = None
    annual_cost: float | None = None
    """£ a year devolved."""
    entering: tuple[Change, ...] = ()
    """Decisions in this plan and not in the previous point's."""
    leaving: tuple[Change, ...] = ()


class Frontier(Frozen):
    """The plan's value against one limit, from nothing to everything worth doing."""

    family: Family
    today: float
    """The scenario's own value of the limit (£)."""
    points: tuple[FrontierPoint, ...]
    knee: int | None
    """The point where returns fall away: the furthest above the straight line from the first
    point to the last."""
    seconds: float


class Robustness(Frozen):
    """What is known of how sure a plan is, for the cabinet report: each part only if it was run."""

    stability: tuple[WeightStability, ...] = ()
    acceptability: Acceptability | None = None
    frontier: Frontier | None = None

    @property
    def tested(self) -> bool:
        return bool(self.stability) or self.acceptability is not None or self.frontier is not None
