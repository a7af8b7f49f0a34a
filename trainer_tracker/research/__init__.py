"""Research logic over plain values: scoring, schedules, adverse event clocks and costs.

Pure Python (no Flask, no database). Functions take `today` / `now` as parameters so that
callers and tests control the clock. Instrument definitions come from
trainer_tracker.content.instruments.
"""

from .adverse import AdverseEvent, Classification, RequiredReport, classify, required_reports
from .costs import (
    CostBreakdown,
    InterventionCosts,
    InterventionInputs,
    UnitCostTable,
    intervention_costs,
    load_unit_costs,
    service_use_costs,
)
from .schedule import Status, TimePointState, Window, assessments_due, schedule, window_for
from .scoring import ResponseProblem, ScoreResult, ScoringError, score, validate_responses

__all__ = [
    "AdverseEvent",
    "Classification",
    "CostBreakdown",
    "InterventionCosts",
    "InterventionInputs",
    "RequiredReport",
    "ResponseProblem",
    "ScoreResult",
    "ScoringError",
    "Status",
    "TimePointState",
    "UnitCostTable",
    "Window",
    "assessments_due",
    "classify",
    "intervention_costs",
    "load_unit_costs",
    "required_reports",
    "schedule",
    "score",
    "service_use_costs",
    "validate_responses",
    "window_for",
]
