from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/claims/", views.claim_create, name="claim_create"),
    path("articles/<int:pk>/submit/", views.assignment_submit, name="assignment_submit"),
    path("claims/<int:pk>/edit/", views.claim_update, name="claim_update"),
    path("claims/<int:pk>/delete/", views.claim_delete, name="claim_delete"),
    path("export/", views.export_download, name="export_download"),
]
