"""Content digests: the same inputs always give the same SHA-256, wherever a plan is kept.

A plan is recorded with the digest of what it was made from (in a workspace, in a plan
workbook), so a reader can tell whether the inputs beside it are still the ones it answers.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from devolve.core.domain import Assessment


def digest(content: Any) -> str:
    """SHA-256 of content as canonical JSON: the same content always gives the same digest."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs_digests(assessment: Assessment) -> dict[str, str]:
    """The content hashes a plan is recorded with: assessment, scenario, rubric, and all three."""
    parts = {
        "assessment": digest(assessment.model_dump(mode="json", exclude={"rubric", "scenario"})),
        "scenario": digest(assessment.scenario.model_dump(mode="json")),
        "rubric": digest(assessment.rubric.model_dump(mode="json")),
    }
    parts["inputs"] = digest(parts)
    return parts
