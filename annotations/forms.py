"""Forms: the claim form validates every span against the stored text (design.md §4)."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from . import text as textlib
from .models import Article, Attribution, CheckWorthiness, Claim, ClaimType, GoldClaim, SourceKind, Verdict

MAX_EVIDENCE_LINKS = 20
MAX_QUOTE_CHARS = 100_000

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


class TermChoiceField(forms.ModelChoiceField):
    """A vocabulary select whose option values are the stable slugs."""

    def label_from_instance(self, obj) -> str:
        return obj.display_label


def _terms(model, current=None):
    queryset = model.objects.filter(active=True)
    if current is not None:
        queryset = model.objects.filter(active=True) | model.objects.filter(pk=current)
    return queryset.order_by("position", "slug")


class SpanForm(forms.ModelForm):
    """A span with its labels, validated against the article's stored text."""

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
    source_kind = forms.ChoiceField(label=_("Claimant kind"), choices=SourceKind.choices, initial=SourceKind.PERSON)
    source_start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    source_end = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    source_quote = forms.CharField(strip=False, required=False, max_length=1000, widget=forms.HiddenInput)
    evidence = forms.CharField(
        label=_("Evidence links"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "placeholder": "https://…"}),
        help_text=_("One URL per line."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    client_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Claim
        fields = ["claim_type", "check_worthiness", "verification_status", "attribution", "note"]
        field_classes = {
            "claim_type": TermChoiceField,
            "check_worthiness": TermChoiceField,
            "verification_status": TermChoiceField,
            "attribution": TermChoiceField,
        }

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        instance = self.instance if self.instance.pk else None
        for name, model, default in [
            ("claim_type", ClaimType, None),
            ("check_worthiness", CheckWorthiness, None),
            ("verification_status", Verdict, "unassessed"),
            ("attribution", Attribution, None),
        ]:
            field = self.fields[name]
            field.queryset = _terms(model, getattr(instance, f"{name}_id", None))
            field.to_field_name = "slug"
            field.empty_label = None
            if instance is None and default:
                field.initial = default
        if instance is not None:
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
        validate = URLValidator(schemes=["http", "https"])
        links = [line.strip() for line in self.cleaned_data["evidence"].splitlines() if line.strip()]
        if len(links) > MAX_EVIDENCE_LINKS:
            raise ValidationError(
                _("At most %(limit)d evidence links."), code="too_many_links", params={"limit": MAX_EVIDENCE_LINKS}
            )
        for link in links:
            try:
                validate(link)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not an http or https link."), code="bad_link", params={"link": link[:200]}
                ) from None
        return links

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
    """An annotator's claim."""


class GoldForm(SpanForm):
    """An adjudicator's edited or merged version of a group, saved as a gold claim."""

    group = forms.RegexField(regex=r"^\d+(-\d+)*$", required=False, max_length=2000, widget=forms.HiddenInput)
    decision_note = forms.CharField(
        label=_("Decision note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"})
    )

    class Meta(SpanForm.Meta):
        model = GoldClaim

    @property
    def claim_ids(self) -> list[int]:
        return parse_group(self.cleaned_data.get("group") or "")


class DecisionForm(forms.Form):
    """Accept one version of a group, or reject the group, with a note."""

    group = forms.RegexField(regex=r"^\d+(-\d+)*$", max_length=2000)
    claim = forms.IntegerField(required=False, min_value=1)
    decision_note = forms.CharField(required=False, max_length=5000)

    @property
    def claim_ids(self) -> list[int]:
        return parse_group(self.cleaned_data["group"])


def parse_group(key: str) -> list[int]:
    """Claim ids from a group key such as "12-15-19"."""
    return [int(part) for part in key.split("-") if part]
