"""State changes that touch several rows: annotating (saving claims, submitting an
assignment) and adjudicating (turning annotators' claims into gold claims or rejections).

Each action has a `check_…` guard that raises PermissionDenied before the
function that acts; views call the guard, the action calls it again.
"""

from .adjudicating import (  # noqa: F401
    CHANGED,
    DecisionRefused,
    NotReady,
    StaleGroup,
    accept_unanimous,
    accept_version,
    check_can_adjudicate,
    create_gold,
    reject_group,
    reopen_assignment,
    undo_decision,
    waiting_annotators,
)
from .annotating import (  # noqa: F401
    FROZEN,
    NOT_FETCHED,
    StaleVersion,
    TokenReused,
    assign_articles,
    check_can_annotate,
    check_can_change_claim,
    check_can_submit,
    create_claim,
    delete_claim,
    load_claims,
    submit_assignment,
    update_claim,
)
