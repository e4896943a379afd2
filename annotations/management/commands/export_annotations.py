"""Export articles with their claims (JSON, JSONL, CSV, W3C, XMI), gold as CheckThat! TSV, or canonical claims as ClaimReview; streamed."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annotations import exporting
from annotations.models import Article, Claim, GoldClaim, Project


class Command(BaseCommand):
    help = "Export articles and claims (offsets in Unicode code points) to stdout or a file."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(exporting.FORMATS), default="json")
        parser.add_argument("--project", help="only this project's articles")
        parser.add_argument("--gold", action="store_true", help="export the adjudicated gold claims instead")
        parser.add_argument("--annotator", help="only this annotator's claims (username)")
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args, **options):
        if options["gold"] and options["annotator"]:
            raise CommandError("--annotator filters annotators' claims; it cannot be used with --gold")
        rows = exporting.FORMATS[options["format"]].rows
        if rows == "canonical" and (options["gold"] or options["annotator"]):
            # A ClaimReview has no claims of anyone's: ignoring the option would hide a mistake.
            raise CommandError(
                _("--format %(format)s lists canonical claims; --gold and --annotator do not apply")
                % {"format": options["format"]}
            )
        if rows == "gold" and options["annotator"]:
            raise CommandError(_("--format %(format)s is made from gold; --annotator does not apply") % {"format": options["format"]})
        gold = options["gold"] or rows == "gold"
        articles = Article.objects.all()
        claims = GoldClaim.objects.all() if gold else Claim.objects.all()
        if options["project"]:
            project = Project.objects.filter(name=options["project"]).first()
            if project is None:
                raise CommandError(f"no project named {options['project']!r}")
            articles = articles.filter(project=project)
        if options["annotator"]:
            # A mistyped name would otherwise give an export with no claims, which looks like a real one.
            annotator = get_user_model().objects.filter(username=options["annotator"]).first()
            if annotator is None:
                raise CommandError(_("no user named %(name)r") % {"name": options["annotator"]})
            claims = claims.filter(annotator=annotator)
        chunks = exporting.stream(options["format"], articles=articles, claims=claims, gold=gold)
        if exporting.FORMATS[options["format"]].binary:
            if not options["output"]:
                raise CommandError(_("--format %(format)s writes a zip: give --output FILE") % {"format": options["format"]})
            with open(options["output"], "wb") as out:
                out.writelines(chunks)
        elif options["output"]:
            # newline="" so CSV's own CRLF row ends and the texts' LFs are kept as they are.
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            # Bytes where possible, so the output is UTF-8 whatever the locale says.
            binary = getattr(self.stdout, "buffer", None)
            try:
                for chunk in chunks:
                    if binary is not None:
                        binary.write(chunk.encode("utf-8"))
                    else:
                        self.stdout.write(chunk, ending="")
                self.stdout.flush()
            except BrokenPipeError:  # e.g. piped into head
                sys.stderr.close()
