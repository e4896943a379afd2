"""Write every article's search document again (docs/search.md)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from annotations.search import index


class Command(BaseCommand):
    help = (
        "Rewrite every article's search document from its text, and on SQLite the full-text table from them. "
        "Imports and article edits keep the index current; run this after a change to the folding rules."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            written = index.rebuild()
        self.stdout.write(f"Indexed {written} article(s).")
