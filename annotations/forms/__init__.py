"""Forms: the claim form validates every span against the stored text (docs/offsets.md).

Split by concern: claims.py (the span and claim forms, suggestions), review.py (adjudication),
canonical.py (canonical claims, evidence), interface.py (preferences, search).
"""

from .canonical import MAX_STATEMENT_CHARS, CanonicalClaimForm, EvidenceForm, check_language, check_link
from .claims import (
    GROUP_KEY,
    MAX_EVIDENCE_LINKS,
    MAX_ID,
    MAX_NOTE_CHARS,
    MAX_QUOTE_CHARS,
    MAX_SOURCE_QUOTE_CHARS,
    SPAN_FIELDS,
    SPAN_MESSAGES,
    ClaimForm,
    ScoreForm,
    SpanForm,
    SuggestionForm,
    TermChoiceField,
    check_evidence,
    suggestion_values,
)
from .interface import MAX_SEARCH_CHARS, LanguageSelect, PreferencesForm, SearchForm, language_choices
from .review import DecisionForm, GoldForm, LinkChoiceField, MergeForm, UnanimousForm

__all__ = [
    "GROUP_KEY", "MAX_EVIDENCE_LINKS", "MAX_ID", "MAX_NOTE_CHARS", "MAX_QUOTE_CHARS", "MAX_SEARCH_CHARS",
    "MAX_SOURCE_QUOTE_CHARS", "MAX_STATEMENT_CHARS", "SPAN_FIELDS", "SPAN_MESSAGES",
    "CanonicalClaimForm", "ClaimForm", "DecisionForm", "EvidenceForm", "GoldForm", "LanguageSelect",
    "LinkChoiceField", "MergeForm", "PreferencesForm", "ScoreForm", "SearchForm", "SpanForm", "SuggestionForm",
    "TermChoiceField", "UnanimousForm",
    "check_evidence", "check_language", "check_link", "language_choices", "suggestion_values",
]
