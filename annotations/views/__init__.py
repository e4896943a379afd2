"""Views, one per URL; htmx requests get a named partial of the same page template."""

from .annotate import (  # noqa: F401
    article_detail,
    article_list,
    assignment_submit,
    claim_create,
    claim_delete,
    claim_restore,
    claim_update,
    export_download,
    home,
)
from .search import article_search  # noqa: F401
