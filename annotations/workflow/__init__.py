"""State changes that touch several rows: annotating (saving claims, submitting an
assignment), adjudicating (turning annotators' claims into gold claims or rejections)
and canonical claims (linking claims to them, their verdicts and evidence).

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
    merge_group,
    reject_group,
    reopen_assignment,
    undo_decision,
    waiting_annotators,
)
from .annotating import (  # noqa: F401
    FROZEN,
    NOT_FETCHED,
    RestoreRefused,
    StaleVersion,
    SuggestionDecided,
    TokenReused,
    assign_articles,
    check_can_annotate,
    check_can_change_claim,
    check_can_restore_claim,
    check_can_submit,
    create_claim,
    delete_claim,
    load_claims,
    restore_claim,
    submit_assignment,
    update_claim,
)
from .canonical import (  # noqa: F401
    AlreadyLinked,
    CanonicalLoad,
    EvidenceRequired,
    LinkRefused,
    StaleCanonical,
    add_evidence,
    check_can_edit_canonical,
    check_can_link,
    create_canonical,
    dismiss_match,
    link_claim,
    load_canonical,
    remove_evidence,
    unlink,
    update_canonical,
)
from .suggesting import accept_suggestions, check_can_decide, reject_suggestion, store_suggestions  # noqa: F401
