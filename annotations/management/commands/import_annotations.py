"""Load claims in the export's JSON shape, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations import import_formats, interop
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
            "--from", dest="tool", choices=import_formats.TOOLS,
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
        fmt = import_formats.FORMATS[options["tool"] or "export"]
        if options["tool"]:
            plan = fmt.plan(str(path), data, self._foreign_options(path, project, options))
        else:
            for option in ("label_map", "offset_unit", "annotator"):
                if options[option]:
                    raise CommandError(f"--{option.replace('_', '-')} applies to another tool's file: add --from")
            plan = fmt.plan(str(path), data, import_formats.Options(name=str(path), project=project))
        for line in plan.warnings:
            self.stdout.write(f"warning {line}")
        for line in plan.skipped:
            self.stdout.write(f"skipped {line}")
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(f"refused {problem}")
            raise CommandError(f"{len(plan.problems)} problem(s) found; nothing was loaded.")
        counts = fmt.summary(plan)
        if options["dry_run"]:
            for line in fmt.report(counts):
                self.stdout.write(line)
            return
        for line in fmt.report(counts, fmt.write(plan)):
            self.stdout.write(self.style.SUCCESS(line))

    def _foreign_options(self, path: Path, project, options) -> interop.Options:
        if import_formats.FORMATS[options["tool"]].annotator == import_formats.REQUIRED and not options["annotator"]:
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
