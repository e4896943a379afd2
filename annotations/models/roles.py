"""Roles are Django groups (created by a migration); staff are admins."""

ANNOTATOR_GROUP = "Annotator"
ADJUDICATOR_GROUP = "Adjudicator"


def is_adjudicator(user) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.groups.filter(name=ADJUDICATOR_GROUP).exists()
    )
