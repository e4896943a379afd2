"""Create demo logins and assign the project's articles, for the quick start."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from annotations import claim_import, workflow
from annotations.models import ADJUDICATOR_GROUP, ANNOTATOR_GROUP, Assignment, Project

# Both demo annotators' claims on an Arabic and a Persian seed article — agreeing on some claims,
# differing on others in span or verdict, one claim tagged by one annotator only — and a canonical
# claim linking them across the two languages, as an export would hold them.
DEMO_ANNOTATIONS = settings.BASE_DIR / "demo" / "annotations.json"
# The adjudicator's gold claims on the Persian article, as `export_annotations --gold` writes them;
# loaded after the annotators' claims they come from, so compare-with-gold shows something at once.
DEMO_GOLD = settings.BASE_DIR / "demo" / "gold.json"
# Submitted by both demo annotators: the Arabic article waits for adjudication, so it can be tried
# at once; the Persian one is adjudicated (DEMO_GOLD).
READY_TO_ADJUDICATE = ["001_fecb8b2d1898e5e9", "003_259b58e3c24a98a7"]

GUIDELINES = """Tag each checkable statement as a claim: select the shortest stretch that states it.
Name who made it (the claimant) and mark where the article names them.
Numbers attributed to sources ("3000 people left, a spokesman said") are claims of type Numerical.
Leave the verdict Unassessed until you have evidence; add evidence links when you set one.
Ignore site boilerplate (cookie notices, mastheads, "انتهای پیام")."""

# (username, password, groups, is_staff)
DEMO_USERS = [
    ("annotator", "annotate-demo", [ANNOTATOR_GROUP], False),
    ("annotator2", "annotate-demo", [ANNOTATOR_GROUP], False),
    ("adjudicator", "adjudicate-demo", [ADJUDICATOR_GROUP], False),
    ("admin", "admin-demo", [], True),
]


class Command(BaseCommand):
    help = "Create demo logins (annotator, annotator2, adjudicator, admin) and assign articles. Development only."

    def add_arguments(self, parser):
        parser.add_argument("--project", default=settings.ANNOTATIONS_DEFAULT_PROJECT)

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("setup_demo creates known passwords; it only runs with DEBUG on.")
        User = get_user_model()
        users = {}
        for username, password, groups, is_staff in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
                user.is_staff = user.is_superuser = is_staff
                user.save()
                user.groups.set(Group.objects.filter(name__in=groups))
            users[username] = user
        project, _created = Project.objects.get_or_create(name=options["project"])
        if not project.guidelines or not project.annotators_link_claims:
            project.guidelines = project.guidelines or GUIDELINES
            project.annotators_link_claims = True  # the demo shows "Seen before?" on the annotation page too
            project.save(update_fields=["guidelines", "annotators_link_claims"])
        annotators = [users["annotator"], users["annotator2"]]
        assigned = workflow.assign_articles(
            articles=project.articles.all(),
            annotators=annotators,
            per_article=min(project.annotators_per_article, len(annotators)),
        )
        self.stdout.write(f"Created {assigned} new assignment(s) in project {project.name!r}.")
        self._load_demo_annotations(project, annotators)
        # The built-in suggester's proposals on the open articles (docs/suggestions.md); a re-run adds none.
        call_command("suggest_claims", suggester="attribution", project=project.name, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo logins:"))
        for username, password, groups, is_staff in DEMO_USERS:
            role = "admin" if is_staff else ", ".join(groups).lower()
            self.stdout.write(f"  {role:<12} username: {username:<12} password: {password}")

    def _plan(self, path, project):
        """A demo file checked exactly as `import_annotations` checks it (nothing is written)."""
        plan = claim_import.plan_load(path.name, path.read_bytes(), project=project)
        if plan.problems:
            raise CommandError("; ".join(str(problem) for problem in plan.problems))
        return plan

    def _load_demo_annotations(self, project, annotators) -> None:
        """Both demo annotators' claims on two seed articles and a canonical claim linked across them
        (demo/annotations.json), both articles submitted, then the gold claims on the Persian one
        (demo/gold.json). Loaded once: what is already there is skipped, and an article reopened
        since is left as it is (no gold is added while one of its annotators is still working)."""
        if not DEMO_ANNOTATIONS.exists() or not project.articles.exists():
            return
        plan = self._plan(DEMO_ANNOTATIONS, project)
        if plan.claims or plan.canonical:
            loaded = workflow.load_claims(loads=plan.claims, canonical=plan.canonical)
            for article in {load.article for load in plan.claims if load.article.external_id in READY_TO_ADJUDICATE}:
                for annotator in annotators:
                    assignment = Assignment.objects.of(article, annotator)
                    if assignment is not None and not assignment.is_submitted:
                        workflow.submit_assignment(user=annotator, article=assignment.article)
            self.stdout.write(
                f"Loaded {loaded.claims} demo claim(s) on {loaded.articles} article(s) and {loaded.canonical} canonical claim(s); "
                f"{', '.join(READY_TO_ADJUDICATE)} submitted by both demo annotators."
            )
        if not DEMO_GOLD.exists():
            return
        gold = self._plan(DEMO_GOLD, project)
        articles = {load.article for load in gold.claims}
        if not gold.claims or Assignment.objects.filter(article__in=articles).exclude(state=Assignment.State.SUBMITTED).exists():
            return
        loaded = workflow.load_claims(loads=gold.claims)
        self.stdout.write(f"Loaded {loaded.gold} demo gold claim(s) on {', '.join(sorted(a.external_id for a in articles))}.")
