"""Print the agreement figures (defined in the README, Agreement) as a table or as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from annotations import agreement, reading
from annotations.models import Article, Project


def _number(value) -> str:
    return "—" if value is None else f"{value:.4f}"


class Command(BaseCommand):
    help = "Agreement between annotators: span F1, Cohen's kappa, Krippendorff's alpha and unitizing alpha."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="only this project (default: every article)")
        parser.add_argument("--json", action="store_true", help="print JSON (null where a figure is undefined)")

    def handle(self, *args, **options):
        articles = Article.objects.all()
        if options["project"]:
            project = Project.objects.filter(name=options["project"]).first()
            if project is None:
                raise CommandError(f"no project named {options['project']!r}")
            articles = articles.filter(project=project)
        figures = agreement.project_figures(reading.agreement_articles(articles))
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
            return
        rows = [
            ("articles", str(figures["articles"])),
            ("annotators", ", ".join(figures["annotators"]) or "—"),
            ("span F1, exact", _number(figures["span_f1"]["exact"])),
            ("span F1, overlap", _number(figures["span_f1"]["overlap"])),
            *[(f"kappa (verdict) {pair}", _number(value)) for pair, value in figures["verification_status"]["kappa"].items()],
            ("alpha (verdict), nominal", _number(figures["verification_status"]["alpha_nominal"])),
            ("alpha (verdict), ordinal", _number(figures["verification_status"]["alpha_ordinal"])),
            ("alpha (claim type), nominal", _number(figures["claim_type"]["alpha_nominal"])),
            ("alpha (check-worthiness), nominal", _number(figures["check_worthiness"]["alpha_nominal"])),
            ("unitizing alpha", _number(figures["unitizing_alpha"])),
        ]
        width = max(len(label) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value}")
