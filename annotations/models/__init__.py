"""Domain model: projects, articles, assignments, claims, sources and vocabularies.

Offsets (`start`, `end`, `source_start`, `source_end`) are Unicode code points
into `Article.text`; see `annotations.text`.
"""

from .canonical import (  # noqa: F401
    VERDICTS_WITHOUT_EVIDENCE,
    Appearance,
    CanonicalClaim,
    Evidence,
    MatchDismissal,
    MatchKey,
    SearchDocument,
    check_verdict_evidence,
    is_final_verdict,
)
from .claims import (  # noqa: F401
    MERGE_PARTS,
    SPAN_FIELDS,
    Claim,
    GoldClaim,
    Provenance,
    Rejection,
    Source,
    SourceKind,
    article_text_frozen,
    decided_claim_ids,
    evidence_union,
    to_span,
)
from .imports import ImportJob, ImportJobFile  # noqa: F401
from .preferences import Calendar, Digits, Preferences  # noqa: F401
from .roles import ADJUDICATOR_GROUP, ANNOTATOR_GROUP, is_adjudicator  # noqa: F401
from .suggestions import SUGGESTED_LABELS, Suggestion, SuggestionDecision  # noqa: F401
from .vocabulary import LABEL_FIELDS, TERM_FIELDS, Attribution, CheckWorthiness, ClaimType, Verdict  # noqa: F401
from .work import Article, Assignment, Project  # noqa: F401
