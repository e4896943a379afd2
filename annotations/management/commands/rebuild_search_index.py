"""Write every article's search document and every canonical claim's match keys again
(docs/search.md, docs/canonical-claims.md)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from annotations import matching
from annotations.models import CanonicalClaim
from annotations.search import index

BATCH = 500


class Command(BaseCommand):
    help = (
        "Rewrite every article's search document from its text (and on SQLite the full-text table from them), "
        "and every canonical claim's match keys. Imports and edits keep both current; run this after a change "
        "to the folding or matching rules."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            written = index.rebuild()
            ids = list(CanonicalClaim.objects.order_by("pk").values_list("pk", flat=True))
            for first in range(0, len(ids), BATCH):
                matching.refresh_keys(ids[first : first + BATCH])
        self.stdout.write(_("Indexed %(articles)d article(s) and %(claims)d canonical claim(s).") % {"articles": written, "claims": len(ids)})
