"""Load claims in the export's JSON shape, all or nothing."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from annotations import claim_import, interop, workflow
from annotations.importing import ImportRefused
from annotations.models import Project


class Command(BaseCommand):
    help = (
        "Load claims (and a JSON file's canonical claims) from a JSON or JSONL file in the export's shape, or with "
        "--from from doccano, Label Studio or W3C Web Annotation files, for articles and users that already exist. "
        "Every claim is validated as the web form validates it; on any problem nothing is loaded. Claims already "
        "present are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--project", help="look the articles up in this project only")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--from", dest="tool", choices=interop.TOOLS,
            help="the file is another tool's: doccano JSONL, Label Studio JSON export, or W3C Web Annotations",
        )
        parser.add_argument("--label-map", help="with --from: JSON mapping the tool's labels to our label fields and values")
        parser.add_argument(
            "--offset-unit", choices=interop.OFFSET_UNITS,
            help="with --from: what the file's offsets count (required for texts with emoji or other astral characters)",
        )
        parser.add_argument("--annotator", help="with --from: the username the claims are loaded under")

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
        if options["tool"]:
            plan = interop.plan_foreign(options["tool"], data, self._foreign_options(path, project, options), max_bytes=settings.ANNOTATIONS_MAX_IMPORT_BYTES)
        else:
            for option in ("label_map", "offset_unit", "annotator"):
                if options[option]:
                    raise CommandError(f"--{option.replace('_', '-')} applies to another tool's file: add --from")
            plan = claim_import.plan_load(str(path), data, project=project, max_bytes=settings.ANNOTATIONS_MAX_IMPORT_BYTES)
        for line in plan.warnings:
            self.stdout.write(f"warning {line}")
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

    def _foreign_options(self, path: Path, project, options) -> interop.Options:
        if options["tool"] in ("doccano", "labelstudio") and not options["annotator"]:
            raise CommandError(f"--from {options['tool']}: name whose claims these are with --annotator USERNAME")
        label_map = interop.LabelMap()
        if options["label_map"]:
            try:
                label_map = interop.LabelMap.load(options["label_map"], Path(options["label_map"]).read_bytes())
            except OSError as exc:
                raise CommandError(f"cannot read {options['label_map']}: {exc.strerror or exc}") from None
            except ImportRefused as refused:
                raise CommandError(f"refused {refused}") from None
        return interop.Options(
            name=str(path), project=project, label_map=label_map, offset_unit=options["offset_unit"], annotator=options["annotator"]
        )
