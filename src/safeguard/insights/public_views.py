"""The public statistics page: the latest published, disclosure-controlled figures, in English and
German, with no sign-in and no cookie (core.i18n)."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.core.i18n import public_page
from safeguard.insights import publication
from safeguard.insights.models import PublishedStatistics


def _latest() -> PublishedStatistics | None:
    return PublishedStatistics.objects.order_by("-published_at").first()


@require_GET
@public_page
def statistics(request: HttpRequest) -> HttpResponse:
    latest = _latest()
    context = {"published": latest, "table": publication.worded(latest.table) if latest else None}
    return render(request, "insights/public/statistics.html", context)


@require_GET
@public_page
def statistics_csv(request: HttpRequest) -> HttpResponse:
    latest = _latest()
    if latest is None:
        return HttpResponse("", content_type="text/csv; charset=utf-8", status=404)
    out = io.StringIO()
    csv.writer(out).writerows(publication.csv_rows(latest.table))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="safeguard-statistics-{latest.published_at:%Y-%m-%d}.csv"'
    return response
