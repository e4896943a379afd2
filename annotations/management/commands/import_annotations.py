"""Load claims in the export's JSON shape, all or nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annotations import claim_import, workflow
from annotations.models import Project


class Command(BaseCommand):
    help = (
        "Load claims (and a JSON file's canonical claims) from a JSON or JSONL file in the export's shape, for "
        "articles and users that already exist. Every claim is validated as the web form validates it; on any problem "
        "nothing is loaded. Claims already present are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", help="look the articles up in this project only")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, **options):
        project = None
        if options["project"]:
            project = Project.objects.filter(name=options["project"]).first()
            if project is None:
                raise CommandError(f"no project named {options['project']!r}")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
        plan = claim_import.plan_load(str(path), data, project=project, max_bytes=settings.ANNOTATIONS_MAX_IMPORT_BYTES)
        for line in plan.skipped:
            self.stdout.write(f"skipped {line}")
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(f"refused {problem}")
            raise CommandError(f"{len(plan.problems)} problem(s) found; nothing was loaded.")
        if options["dry_run"]:
            gold = sum(load.gold for load in plan.claims)
            self.stdout.write(
                _(
                    "Dry run: would load %(claims)d claim(s) and %(gold)d gold claim(s) on %(articles)d article(s); "
                    "%(skipped)d already present. Nothing was written."
                )
                % {
                    "claims": len(plan.claims) - gold,
                    "gold": gold,
                    "articles": len({load.article.pk for load in plan.claims}),
                    "skipped": len(plan.skipped),
                }
            )
            if plan.canonical:
                self.stdout.write(
                    _("Dry run: would load %(count)d canonical claim(s) and %(links)d link(s) to them.")
                    % {"count": sum(load.existing is None for load in plan.canonical), "links": sum(len(load.targets) for load in plan.canonical)}
                )
            return
        loaded = workflow.load_claims(loads=plan.claims, canonical=plan.canonical)
        # Articles that got a claim or a gold claim, not every article the file names.
        self.stdout.write(
            self.style.SUCCESS(
                _("Loaded %(claims)d claim(s) and %(gold)d gold claim(s) on %(articles)d article(s); %(skipped)d already present.")
                % {"claims": loaded.claims, "gold": loaded.gold, "articles": loaded.articles, "skipped": len(plan.skipped)}
            )
        )
        if plan.canonical:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Loaded %(count)d canonical claim(s) and %(links)d link(s) to them.")
                    % {"count": loaded.canonical, "links": sum(len(load.targets) for load in plan.canonical)}
                )
            )
