"""The claim form's widgets rendered in Python (annotations/widget_html.py) are exactly Django's markup."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from annotations.forms import ClaimForm, GoldForm
from annotations.widget_html import widget_renderer

from . import factories

DJANGO = DjangoTemplates()


def both(form_class, *args, **kwargs) -> list[tuple[str, str, str]]:
    ours, theirs = form_class(*args, **kwargs), form_class(*args, renderer=DJANGO, **kwargs)
    assert ours.renderer is widget_renderer
    theirs.initial["client_token"] = ours.initial.get("client_token")  # a fresh one per unbound form
    return [(name, str(ours[name]), str(theirs[name])) for name in ours.fields]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [ClaimForm, GoldForm])
def test_claim_form_widgets_match_django(form_class, annotator):
    article = factories.make_article()
    claim = factories.make_claim(
        article, annotator, "3000", evidence=["https://example.org/?a=1&b=<2>"], note='a "note" <b>&', verification_status_id="false"
    )
    hostile = factories.claim_post(article, "3000", claim_type="nope", note="</textarea><script>", evidence="javascript:x\nhttps://ok.org")
    cases = [
        both(form_class, article=article),
        both(form_class, hostile, article=article),
        both(form_class, instance=claim, article=article),
    ]
    for rendered in cases:
        for name, ours, theirs in rendered:
            assert ours == theirs, name
    assert not form_class(hostile, article=article).is_valid()


def test_other_widgets_and_templates_go_to_django():
    class Odd(forms.Form):
        groups = forms.ChoiceField(
            choices=[("Numbers", [("1", "one"), ("2", "<two>")]), ("3", mark_safe("<i>three</i>"))],
            widget=forms.Select(attrs={"disabled": True, "hidden": False, "data-x": mark_safe("&amp;"), "data-n": 3}),
        )
        multiple = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
        number = forms.IntegerField(initial=5)
        text = forms.CharField(initial='"quoted" & <tagged>', widget=forms.TextInput(attrs={"required": False}))

    ours, theirs = Odd(renderer=widget_renderer, initial={"multiple": ["b"]}), Odd(renderer=DJANGO, initial={"multiple": ["b"]})
    for name in ours.fields:
        assert str(ours[name]) == str(theirs[name]), name
    assert str(ours) == str(theirs)
