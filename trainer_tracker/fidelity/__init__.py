"""Fidelity: scoring checklists, bands, aggregation, cascade drift and inter-rater agreement.

Pure Python over plain records (no Flask, no database). Checklist definitions are loaded by
trainer_tracker.content.checklists; the methods are explained in docs/fidelity.md.
"""

from .figures import (
    Agreement,
    Drift,
    FidelityRecord,
    FidelitySettings,
    Figure,
    GenerationSummary,
    RecordScore,
    WelchInterval,
    aggregate,
    band,
    cascade_drift,
    fidelity_percent,
    icc_2_1,
    item_drift,
    item_figures,
    rater_agreement,
    score_items,
    score_record,
    weighted_kappa,
    welch_interval,
)

__all__ = [
    "Agreement",
    "Drift",
    "FidelityRecord",
    "FidelitySettings",
    "Figure",
    "GenerationSummary",
    "RecordScore",
    "WelchInterval",
    "aggregate",
    "band",
    "cascade_drift",
    "fidelity_percent",
    "icc_2_1",
    "item_drift",
    "item_figures",
    "rater_agreement",
    "score_items",
    "score_record",
    "weighted_kappa",
    "welch_interval",
]
