"""How annotators are named to adjudicators: usernames, or stable pseudonyms."""

from __future__ import annotations

import base64

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _


def annotator_names(project, usernames) -> dict[str, str]:
    """{username: shown name} for a project's pages and downloads.

    With the project's "show annotator names" off, each annotator is "Annotator"
    and a short code from a keyed hash of the project and the username: the same
    on every page and download of the project, and not derivable from the
    usernames or their order without the site's secret key (docs/adjudication.md).
    """
    if project.show_annotator_names:
        return {name: name for name in usernames}
    return {name: pseudonym(project.pk, name) for name in usernames}


def pseudonym(project_id: int, username: str) -> str:
    digest = salted_hmac("annotations.pseudonym", f"{project_id}:{username}").digest()
    return _("Annotator %(code)s") % {"code": base64.b32encode(digest).decode()[:5]}
