"""The claim form and its parts: every span validated against the stored text (docs/offsets.md)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .. import text as textlib
from ..models import (
    SUGGESTED_LABELS,
    Article,
    Attribution,
    CheckWorthiness,
    ClaimType,
    SourceKind,
    Suggestion,
    Verdict,
)
from ..models.vocabulary import cached_terms
from ..widget_html import widget_renderer

MAX_EVIDENCE_LINKS = 20
MAX_NOTE_CHARS = 5000
# A group as the adjudicator saw it: claim ids with their revisions, "12.3-15.1"
# (agreement.group_key). Row ids fit a signed 64-bit integer (SQLite's and
# PostgreSQL's bigint); longer numbers are refused, not overflowed.
_SEEN_CLAIM = r"[0-9]{1,18}(\.[0-9]{1,9})?"  # ASCII digits only: \d would take any script's
GROUP_KEY = rf"^{_SEEN_CLAIM}(-{_SEEN_CLAIM})*$"
MAX_ID = 2**63 - 1
MAX_QUOTE_CHARS = 100_000
MAX_SOURCE_QUOTE_CHARS = 1000
# The fields a selection fills. Only the server writes them (views.common.selection_initial):
# the page asks for each selection's span and shows what it gets back.
SPAN_FIELDS = frozenset(["start", "end", "quote", "source_start", "source_end", "source_quote"])

# Error codes callers and tests can rely on.
SPAN_MESSAGES = {
    "not_integer": _("The selection's offsets are not whole numbers."),
    "out_of_range": _("The selection lies outside the article's text."),
    "empty_span": _("Select some text in the article first."),
    "quote_mismatch": _(
        "The selected text does not match the article at these offsets. Select it again."
    ),
    "not_canonical": _(
        "The selection splits a character or starts or ends with a space. Select it again."
    ),
}


def check_evidence(links: list) -> list[str]:
    """Evidence is at most MAX_EVIDENCE_LINKS http or https links, on every write path."""
    if not isinstance(links, list):
        raise ValidationError(_("Evidence must be a list of links."), code="bad_links")
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            _("At most %(limit)d evidence links."), code="too_many_links", params={"limit": MAX_EVIDENCE_LINKS}
        )
    validate = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            if not isinstance(link, str):
                raise ValidationError("not text")
            validate(link)
        except ValidationError:
            raise ValidationError(
                _("“%(link)s” is not an http or https link."), code="bad_link", params={"link": str(link)[:200]}
            ) from None
    return links


class TermChoiceField(forms.ChoiceField):
    """A vocabulary select: option values are the stable slugs, labels in the interface's
    language; it cleans to the Term. Terms come from the per-process vocabulary cache."""

    def __init__(self, model, **kwargs):
        self.model = model
        self.current = None  # an inactive term a claim already has stays selectable
        self.any_term = False  # restoring stored data: a term retired since is still valid
        super().__init__(choices=self._choices, **kwargs)

    def _allowed(self, term) -> bool:
        return term.active or self.any_term or term.slug == self.current

    def _choices(self) -> list[tuple[str, str]]:
        return [(t.slug, t.display_label) for t in cached_terms(self.model) if self._allowed(t)]

    def valid_value(self, value) -> bool:
        # By slug alone: checking a choice needs no labels (the base class builds them all).
        return any(t.slug == value and self._allowed(t) for t in cached_terms(self.model))

    def clean(self, value):
        slug = super().clean(value)
        if slug in self.empty_values:  # an optional label left out (a suggestion's)
            return None
        return next(term for term in cached_terms(self.model) if term.slug == slug)


class SpanForm(forms.Form):
    """A span with its labels, validated against the article's stored text."""

    default_renderer = widget_renderer  # the annotation page renders this form on every load

    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    quote = forms.CharField(strip=False, max_length=MAX_QUOTE_CHARS, widget=forms.HiddenInput)
    source_name = forms.CharField(
        label=_("Claimant"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"list": "source-names", "autocomplete": "off", "dir": "auto"}),
        help_text=_("Who made the claim. Pick a known source or type a new name."),
    )
    # Choices as a callable: every form deep-copies its fields, and a list of lazy labels is costly to copy.
    source_kind = forms.ChoiceField(label=_("Claimant kind"), choices=lambda: SourceKind.choices, initial=SourceKind.PERSON)
    source_start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    source_end = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    source_quote = forms.CharField(strip=False, required=False, max_length=MAX_SOURCE_QUOTE_CHARS, widget=forms.HiddenInput)
    evidence = forms.CharField(
        label=_("Evidence links"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "placeholder": "https://…"}),
        help_text=_("One URL per line."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
    claim_type = TermChoiceField(ClaimType, label=_("Claim type"))
    check_worthiness = TermChoiceField(CheckWorthiness, label=_("Check-worthiness"))
    verification_status = TermChoiceField(Verdict, label=_("Verification status"), initial="unassessed")
    attribution = TermChoiceField(Attribution, label=_("Attribution"))

    def __init__(self, *args, article: Article, instance=None, restoring: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.instance = instance
        if restoring:  # import_annotations: labels retired since the export are still the stored labels
            for name in ("claim_type", "check_worthiness", "verification_status", "attribution"):
                self.fields[name].any_term = True
        if instance is not None:
            for name in ("claim_type", "check_worthiness", "verification_status", "attribution"):
                self.fields[name].current = getattr(instance, f"{name}_id")
            self.fill_from(instance)
            self.initial["version"] = instance.version
        elif not self.is_bound:
            self.initial["client_token"] = uuid.uuid4()

    @property
    def top_errors(self) -> list[ValidationError]:
        """Errors shown above the form: non-field errors and those of hidden fields."""
        errors = list(self.non_field_errors().as_data())
        for field in self.hidden_fields():
            errors.extend(field.errors.as_data())
        return errors

    @property
    def state_fields(self) -> list:
        """The hidden fields other than the selections' (those are in the span partials)."""
        return [field for field in self.hidden_fields() if field.name not in SPAN_FIELDS]

    def fill_from(self, claim) -> None:
        """Start an unbound form from another claim's span and labels (an adjudicator's edit)."""
        self.initial.update(
            start=claim.start,
            end=claim.end,
            quote=claim.quote,
            claim_type=claim.claim_type_id,
            check_worthiness=claim.check_worthiness_id,
            verification_status=claim.verification_status_id,
            attribution=claim.attribution_id,
            source_name=claim.source.name if claim.source else "",
            source_kind=claim.source.kind if claim.source else SourceKind.PERSON,
            source_start=claim.source_start,
            source_end=claim.source_end,
            source_quote=claim.source_quote,
            evidence="\n".join(claim.evidence or []),
            note=claim.note,
        )

    def clean_quote(self) -> str:
        # The stored text never holds CR (import turns CRLF into LF), and HTML
        # form submission may turn a quote's LF into CRLF: undo that only.
        return self.cleaned_data["quote"].replace("\r\n", "\n")

    def clean_evidence(self) -> list[str]:
        return check_evidence([line.strip() for line in self.cleaned_data["evidence"].splitlines() if line.strip()])

    def clean(self) -> dict:
        data = super().clean()
        text = self.article.text
        missing = [name for name in ("start", "end", "quote") if name not in data]
        if missing:
            # The selection's fields are hidden: say once, where it shows, what is wrong.
            for name in missing:
                self._errors.pop(name, None)
            self.add_error(None, ValidationError(SPAN_MESSAGES["empty_span"], code="empty_span"))
        else:
            try:
                textlib.validate_span(text, data["start"], data["end"], data["quote"])
            except textlib.TextError as exc:
                self.add_error(None, ValidationError(SPAN_MESSAGES[exc.code], code=exc.code))
        source_start, source_end = data.get("source_start"), data.get("source_end")
        if (source_start is None) != (source_end is None):
            self.add_error(None, ValidationError(_("The claimant's position is incomplete."), code="source_span"))
        elif source_start is not None:
            quote = (data.get("source_quote") or "").replace("\r\n", "\n")
            try:
                textlib.validate_span(text, source_start, source_end, quote)
            except textlib.TextError as exc:
                self.add_error(
                    None,
                    ValidationError(
                        _("The claimant's selection: %(problem)s") % {"problem": SPAN_MESSAGES[exc.code]},
                        code=f"source_{exc.code}",
                    ),
                )
            else:
                data["source_name"] = data.get("source_name") or quote[:300]
        return data


class ClaimForm(SpanForm):
    """An annotator's claim; `suggestion`, when it was made from one, must be on the same article."""

    suggestion = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)

    def clean_suggestion(self):
        pk = self.cleaned_data.get("suggestion")
        if pk is None:
            return None
        found = Suggestion.objects.filter(pk=pk, article=self.article).first()
        if found is None:
            raise ValidationError(_("This suggestion is not one of this article's."), code="bad_suggestion")
        return found


def suggestion_values(suggestion) -> dict:
    """A claim form's values for a suggestion, as it proposes them: the verdict starts unassessed."""
    values = {
        "start": suggestion.start,
        "end": suggestion.end,
        "quote": suggestion.quote,
        **{name: getattr(suggestion, f"{name}_id") or "" for name in SUGGESTED_LABELS},
        "verification_status": "unassessed",
        "source_name": suggestion.source_name,
        "source_kind": suggestion.source_kind,
        "suggestion": suggestion.pk,
    }
    if suggestion.source_start is not None:
        values.update(
            source_start=suggestion.source_start,
            source_end=suggestion.source_end,
            source_quote=suggestion.article.text[suggestion.source_start : suggestion.source_end],
        )
    return values


class ScoreForm(forms.Form):
    """"Accept every suggestion scoring at least this much"."""

    min_score = forms.FloatField(min_value=0, max_value=1)


class SuggestionForm(SpanForm):
    """A suggested claim, validated exactly as a claim's span and claimant are; its labels are optional
    and it has no verdict (the annotator gives that)."""

    suggester = forms.CharField(max_length=100)
    model_version = forms.CharField(max_length=100)
    score = forms.FloatField(min_value=0, max_value=1)
    rationale = forms.CharField(required=False, max_length=MAX_NOTE_CHARS, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["verification_status"]
        for name in SUGGESTED_LABELS:
            self.fields[name].required = False
