"""Run a registered suggester over articles and store its suggestions (docs/suggestions.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annotations import suggesting, suggestion_import
from annotations.models import Article, Project

from .import_suggestions import report


class Command(BaseCommand):
    help = (
        "Run a suggester (--suggester NAME, from ANNOTATIONS_SUGGESTERS; 'attribution' is built in) over every "
        "article, or a project's, and store what it proposes. Re-running the same suggester version adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--suggester", default="attribution", help="a registered suggester's name")
        parser.add_argument("--project", help="only this project's articles")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, **options):
        try:
            suggester = suggesting.get_suggester(options["suggester"])
        except KeyError:
            raise CommandError(
                _("no suggester named %(name)r; registered: %(names)s")
                % {"name": options["suggester"], "names": ", ".join(sorted(suggesting.registry()))}
            ) from None
        articles = Article.objects.order_by("pk")
        if options["project"]:
            project = Project.objects.filter(name=options["project"]).first()
            if project is None:
                raise CommandError(_("no project named %(name)r") % {"name": options["project"]})
            articles = articles.filter(project=project)
        plan = suggestion_import.plan_run(suggester, articles.iterator(chunk_size=200))
        report(self, plan, dry_run=options["dry_run"])
