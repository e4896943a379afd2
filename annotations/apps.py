from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Fact-check annotations")

    def ready(self):
        # Connects the signal that writes an article's search document when it is saved.
        from .search import index  # noqa: F401
