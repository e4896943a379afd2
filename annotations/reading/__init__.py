"""The read side: what pages, reports and commands show, assembled from the models.

Read-only, a fixed number of queries per page or report however many claims
there are, and never imported by the write side (`workflow/`). Views and
commands call it; it calls the models and the pure `agreement` package.
See docs/architecture.md.
"""

from .adjudication import adjudication, finished_articles  # noqa: E402, F401
from .articles import neighbours, queue, with_progress  # noqa: E402, F401
from .canonical import canonical_page, canonical_rows, verdict_label, visible_appearances, visible_canonical  # noqa: E402, F401
from .claim_list import deleted_claims, own_claims  # noqa: E402, F401
from .compare import compare_with_gold  # noqa: E402, F401
from .dashboard import DASHBOARD_COLUMNS, dashboard, dashboard_csv  # noqa: E402, F401
from .names import annotator_names, pseudonym  # noqa: E402, F401
from .spans import agreement_articles, article_claims  # noqa: E402, F401
from .suggestions import suggester_figures  # noqa: E402, F401
