"""Retention: which activities stay at today's scale, and the reason recorded for each."""

from devolve.assess.decompose import ActivityRecord, decompose
from devolve.assess.retention import retention
from devolve.core import Criterion, RetentionKind, Service, Stage


def test_each_reason_is_recorded_in_order_of_precedence(rubric):
    statutory = Service(service_id="ENV01", name="Parks", directorate="Place", service_type="infrastructure-heavy",
                        annual_budget=2_000_000, statutory=True)
    acts = {a.stage: a for a in decompose(rubric, [statutory], [
        ActivityRecord("ENV01", Stage.DELIVERY, must_retain=True, retain_reason="Contract until 2028"),
        ActivityRecord("ENV01", Stage.GOVERNANCE, must_retain=True),
        ActivityRecord("ENV01", Stage.DESIGN, scores={Criterion.UNBUNDLING: 0}),
    ])}
    delivery = retention(rubric, statutory, acts[Stage.DELIVERY])
    assert (delivery.kind, delivery.reason) == (RetentionKind.MUST_RETAIN, "Contract until 2028")
    # marked must retain comes before the statutory duty that would also keep it
    assert retention(rubric, statutory, acts[Stage.GOVERNANCE]).kind == RetentionKind.MUST_RETAIN
    assert retention(rubric, statutory, acts[Stage.FINANCING]).kind == RetentionKind.STATUTORY
    design = retention(rubric, statutory, acts[Stage.DESIGN])
    assert (design.kind, design.unbundling, design.minimum) == (RetentionKind.NOT_SEPARABLE, 0,
                                                                 rubric.retention.min_unbundling)
    assert retention(rubric, statutory, acts[Stage.PLANNING]) is None
    assert retention(rubric, statutory.replace(statutory=False), acts[Stage.FINANCING]) is None
