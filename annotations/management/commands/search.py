"""Search every article for a query, script-aware (docs/search.md): each hit at its code-point offsets."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from annotations import search
from annotations.models import Project

CONTEXT = 30  # code points of context on each side in the table


class Command(BaseCommand):
    help = (
        "Script-aware search across articles (letter forms, harakat, tatweel, ZWNJ, digit scripts and clitics "
        "folded): every hit with its code-point offsets in the stored text."
    )

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--project", help="only this project's articles")
        parser.add_argument("--json", action="store_true", help='print {"query", "hits": [{"external_id", "start", "end", "text"}]}')
        parser.add_argument("--limit", type=int, help="stop after this many hits (default: every hit)")

    def handle(self, *args, **options):
        query, limit = options["query"], options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be 1 or more")
        project = None
        if options["project"] is not None:
            project = Project.objects.filter(name=options["project"]).first()
            if project is None:
                raise CommandError(f"no project named {options['project']!r}")
        try:
            search.query_terms(query)
        except search.SearchError as refused:
            raise CommandError(refused.message) from None
        hits = self._hits(query, project, limit, context=0 if options["json"] else CONTEXT)
        try:
            if options["json"]:
                self._json(query, hits)
            else:
                self._table(hits)
        except BrokenPipeError:  # e.g. piped into head
            sys.stderr.close()

    def _hits(self, query, project, limit, *, context):
        """(article, hit) in article order then text order, at most `limit` of them."""
        count = 0
        for found in search.all_hits(query, project=project, context=context):
            for hit in found.hits:
                yield found.article, hit
                count += 1
                if count == limit:
                    return

    def _json(self, query, hits):
        # Written hit by hit: memory does not grow with the number of hits.
        self._write('{"query": ' + json.dumps(query, ensure_ascii=False) + ', "hits": [')
        for number, (article, hit) in enumerate(hits):
            item = {"external_id": article.external_id, "start": hit.start, "end": hit.end, "text": hit.text, "project": article.project.name}
            self._write(("" if number == 0 else ", ") + json.dumps(item, ensure_ascii=False))
        self._write("]}\n")

    def _table(self, hits):
        self._write("external_id\toffsets\thit in context\n")
        count = 0
        for article, hit in hits:
            context = f"{'…' if hit.cut_before else ''}{hit.before}[{hit.text}]{hit.after}{'…' if hit.cut_after else ''}"
            # One line per hit: line breaks in the context are shown as spaces.
            context = " ".join(context.splitlines())
            self._write(f"{article.external_id}\t{hit.start}–{hit.end}\t{context}\n")
            count += 1
        self.stderr.write(f"{count} hit(s)")

    def _write(self, text: str) -> None:
        # Bytes where possible, so the output is UTF-8 whatever the locale says.
        binary = getattr(self.stdout, "buffer", None)
        if binary is not None:
            binary.write(text.encode("utf-8"))
        else:
            self.stdout.write(text, ending="")
