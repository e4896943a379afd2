"""What the view modules share: role decorators and the streamed export response."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import is_adjudicator


def role_required(allowed, message):
    """A view decorator: logged-in users for whom allowed(user) holds; others get 403 with
    `message` (anonymous users go to the login page)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(str(message))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = role_required(lambda user: user.is_staff, gettext_lazy("Only administrators can do this."))
adjudicator_required = role_required(is_adjudicator, gettext_lazy("Only adjudicators can do this."))


def claim_labels() -> dict[str, str]:
    """Headings shown with every claim, translated once per page rather than once per claim."""
    return {
        "verdict": _("Verdict"),
        "type": _("Type"),
        "worthiness": _("Check-worthiness"),
        "attribution": _("Attribution"),
        "claimant": _("Claimant"),
        "evidence": _("Evidence"),
        "note": _("Note"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "delete_confirm": _("Delete this claim?"),
        "frozen": _("Decided by an adjudicator: frozen"),
        "accept": _("Accept this version"),
        "edit_merge": _("Edit and merge"),
        "remove": _("Remove"),
        "remove_confirm": _("Remove this gold claim?"),
        # %(name)s is filled in after escaping: the label's own markup-free text around it.
        "by": _("by %(name)s"),
        "decision": _("Decision:"),
        "no_claims": _("No claims yet. Select a claim in the text to start."),
    }
