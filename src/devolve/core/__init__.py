"""The core: the method's vocabulary and records, validated and immutable.

Nothing here reads a file, solves a model or draws a page: the assessment, the optimiser,
the readers and writers and the app all stand on these objects, never the other way round.
"""

from devolve.core.domain import (
    Activity,
    Assessment,
    Neighbourhood,
    Priorities,
    Retention,
    RetentionKind,
    Score,
    Service,
)
from devolve.core.problems import InvalidInput, Problem, ProblemCode, ProblemReport, Severity
from devolve.core.rubric import CoherenceRule, PartnershipConfiguration, Rubric
from devolve.core.scenario import SETTINGS, Scenario, Setting
from devolve.core.terms import (
    BENEFITS,
    CRITERIA,
    FOUR_CO_ORDER,
    FOUR_COS,
    STAGES,
    ActivityKey,
    Benefit,
    Criterion,
    Kind,
    Offer,
    ScoreSource,
    ServiceType,
    SolverName,
    Stage,
    Unit,
)

__all__ = [
    "BENEFITS", "CRITERIA", "FOUR_COS", "FOUR_CO_ORDER", "SETTINGS", "STAGES", "Activity", "ActivityKey", "Assessment",
    "Benefit", "CoherenceRule", "Criterion", "InvalidInput", "Kind", "Neighbourhood", "Offer", "PartnershipConfiguration",
    "Priorities", "Problem", "ProblemCode", "ProblemReport", "Retention", "RetentionKind", "Rubric", "Scenario", "Score",
    "ScoreSource", "Service", "ServiceType", "Setting", "Severity", "SolverName", "Stage", "Unit",
]
