"""Writes: the standard, rounds, evaluations and pairings.

Every change goes through one of these services: it checks the actor's scope
and role (the role through workflow.py's transition table), applies the
rating rules, writes the change and its history entry, all in one
transaction. They live by subject in `standard`, `evaluations` (and
`reviews`, many at once) and `pairings`; callers use them from here
(`services.evaluation_submit(...)`).
"""

from .evaluations import (
    evaluation_approve,
    evaluation_certify,
    evaluation_return,
    evaluation_score,
    evaluation_send_to_province,
    evaluation_submit,
    ratable_problem,
)
from .pairings import pairing_create, pairing_reason, pairing_update
from .reviews import MAX_BATCH, evaluation_bulk_review
from .standard import criteria_ensure_defaults, round_create, round_freeze_criteria, round_update, stars_for

__all__ = [
    "MAX_BATCH",
    "criteria_ensure_defaults",
    "evaluation_approve",
    "evaluation_bulk_review",
    "evaluation_certify",
    "evaluation_return",
    "evaluation_score",
    "evaluation_send_to_province",
    "evaluation_submit",
    "pairing_create",
    "pairing_reason",
    "pairing_update",
    "ratable_problem",
    "round_create",
    "round_freeze_criteria",
    "round_update",
    "stars_for",
]
