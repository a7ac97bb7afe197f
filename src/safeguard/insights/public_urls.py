"""Public statistics pages under a language prefix (`/en/statistics`, `/de/statistics`): see core.i18n."""

from django.urls import path

import safeguard.core.public_urls  # noqa: F401 - registers the `lang` converter first
from safeguard.insights import public_views

app_name = "public-statistics"
urlpatterns = [
    path("<lang:language>/statistics", public_views.statistics, name="page"),
    path("<lang:language>/statistics.csv", public_views.statistics_csv, name="csv"),
]
