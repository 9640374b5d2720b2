"""The project's URLs plus the bench's bare page (bench/pages.py)."""

from django.urls import path

from bench._server import bare
from xian_partybuild.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *project_urlpatterns]
