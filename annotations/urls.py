from django.urls import path

from . import views
from .views import review

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
    path("articles/<int:pk>/gold/unanimous/", review.gold_accept_unanimous, name="gold_accept_unanimous"),
    path("gold/<int:pk>/delete/", review.gold_delete, name="gold_delete"),
    path("rejections/<int:pk>/delete/", review.rejection_delete, name="rejection_delete"),
    path("assignments/<int:pk>/reopen/", review.assignment_reopen, name="assignment_reopen"),
    path("projects/<int:pk>/dashboard/", review.project_dashboard, name="project_dashboard"),
    path("claims/<int:pk>/edit/", views.claim_update, name="claim_update"),
    path("claims/<int:pk>/delete/", views.claim_delete, name="claim_delete"),
    path("export/", views.export_download, name="export_download"),
]
