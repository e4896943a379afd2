"""The app's URLs plus a baseline view that runs the same middleware and log-in check."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def hello(request):
    """The cheapest authenticated page: the cost of a request itself."""
    return HttpResponse("hello")


urlpatterns = [path("bench/hello/", hello), path("", include("factcheck.urls"))]
