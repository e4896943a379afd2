"""A user's interface language and display options (docs/i18n.md)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import preferences
from ..forms import PreferencesForm


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences_edit(request: HttpRequest) -> HttpResponse:
    """Choose the interface language (or the browser's), the digits and the calendar of the chrome."""
    form = PreferencesForm(request.POST or None, initial=preferences.current(request))
    if request.method != "POST" or not form.is_valid():
        return render(request, "annotations/preferences.html", {"form": form})
    chosen = preferences.remember(request, **form.cleaned_data)
    # Said in the language the next page is shown in: without a choice, the browser's (the
    # cookie of the last choice goes with this response).
    browser = copy.copy(request)
    browser.COOKIES = {}
    with translation.override(chosen["language"] or translation.get_language_from_request(browser)):
        messages.success(request, _("Preferences saved."))
    response = redirect("preferences_edit")
    preferences.set_language_cookie(response, chosen["language"])
    return response
