"""Roles are Django groups (created by a migration); staff are admins."""

ANNOTATOR_GROUP = "Annotator"
ADJUDICATOR_GROUP = "Adjudicator"


def is_adjudicator(user) -> bool:
    """Staff, or a member of the Adjudicator group (remembered on the user object for the request)."""
    if not user.is_authenticated:
        return False
    known = getattr(user, "_is_adjudicator", None)
    if known is None:
        known = user.is_staff or user.groups.filter(name=ADJUDICATOR_GROUP).exists()
        user._is_adjudicator = known
    return known

