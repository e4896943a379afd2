from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnotationsConfig(AppConfig):
    name = "annotations"
    verbose_name = _("Fact-check annotations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .preferences import load_at_login
        from .search import index  # noqa: F401  (connects the signal that writes an article's search document)

        user_logged_in.connect(load_at_login, dispatch_uid="annotations-preferences-at-login")
