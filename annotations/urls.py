from django.urls import path

from . import views
from .views import canonical, preferences, review, suggestions

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("search/", views.article_search, name="search"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/claims/", views.claim_create, name="claim_create"),
    path("articles/<int:pk>/submit/", views.assignment_submit, name="assignment_submit"),
    path("articles/<int:pk>/compare/", review.article_compare, name="article_compare"),
    path("articles/<int:pk>/adjudicate/", review.adjudication_detail, name="adjudication_detail"),
    path("articles/<int:pk>/gold/", review.gold_create, name="gold_create"),
    path("articles/<int:pk>/gold/accept/", review.group_accept, name="group_accept"),
    path("articles/<int:pk>/gold/reject/", review.group_reject, name="group_reject"),
    path("articles/<int:pk>/gold/merge/", review.group_merge, name="group_merge"),
    path("articles/<int:pk>/gold/unanimous/", review.gold_accept_unanimous, name="gold_accept_unanimous"),
    path("gold/<int:pk>/delete/", review.gold_delete, name="gold_delete"),
    path("rejections/<int:pk>/delete/", review.rejection_delete, name="rejection_delete"),
    path("assignments/<int:pk>/reopen/", review.assignment_reopen, name="assignment_reopen"),
    path("projects/<int:pk>/dashboard/", review.project_dashboard, name="project_dashboard"),
    path("claims/<int:pk>/edit/", views.claim_update, name="claim_update"),
    path("claims/<int:pk>/delete/", views.claim_delete, name="claim_delete"),
    path("claims/<int:pk>/restore/", views.claim_restore, name="claim_restore"),
    path("export/", views.export_download, name="export_download"),
    path("suggestions/<int:pk>/accept/", suggestions.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:pk>/reject/", suggestions.suggestion_reject, name="suggestion_reject"),
    path("suggestions/<int:pk>/edit/", suggestions.suggestion_edit, name="suggestion_edit"),
    path("articles/<int:pk>/suggestions/accept/", suggestions.suggestions_accept_above, name="suggestions_accept_above"),
    path("canonical/", canonical.canonical_list, name="canonical_list"),
    path("canonical/<int:pk>/", canonical.canonical_detail, name="canonical_detail"),
    path("canonical/<int:pk>/edit/", canonical.canonical_update, name="canonical_update"),
    path("canonical/<int:pk>/evidence/", canonical.evidence_create, name="evidence_create"),
    path("evidence/<int:pk>/delete/", canonical.evidence_delete, name="evidence_delete"),
    path("preferences/", preferences.preferences_edit, name="preferences_edit"),
]

# "Seen before?": a claim's (claims/<pk>/canonical/…) or gold claim's (gold/<pk>/canonical/…) canonical claim.
for _kind, _prefix in (("claim", "claims"), ("gold", "gold")):
    urlpatterns += [
        path(f"{_prefix}/<int:pk>/canonical/{suffix}", view, {"kind": _kind}, name=f"{_kind}_canonical{name}")
        for suffix, view, name in (
            ("", canonical.match_panel, ""),
            ("link/", canonical.match_link, "_link"),
            ("new/", canonical.match_new, "_new"),
            ("dismiss/", canonical.match_dismiss, "_dismiss"),
            ("unlink/", canonical.match_unlink, "_unlink"),
        )
    ]
