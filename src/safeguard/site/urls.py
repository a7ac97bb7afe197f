"""Every URL of Safeguard. The authorization matrix test fails for any pattern it does not list."""

from django.urls import include, path

from safeguard.core import views as core_views
from safeguard.site.api import api, api_docs

# A refused page (PermissionDenied) is recorded in the audit log before it is answered.
handler403 = "safeguard.core.views.permission_denied"

urlpatterns = [
    path("", include("safeguard.core.urls")),
    path("", include("safeguard.accounts.urls")),
    path("", include("safeguard.feeds.urls")),
    path("", include("safeguard.core.public_urls")),
    path("", include("safeguard.insights.public_urls")),
    path("people/", include("safeguard.people.urls")),
    path("audit/", include("safeguard.audit.urls")),
    path("assessments/", include("safeguard.assessments.urls")),
    path("sentencing/", include("safeguard.courts.urls")),
    path("jobs/", include("safeguard.jobs.urls")),
    path("insights/", include("safeguard.insights.urls")),
    path("alerts/", include("safeguard.alerts.urls")),
    path("programmes/", include("safeguard.programmes.urls")),
    path("supervision/", include("safeguard.supervision.urls")),
    path("help/", include("safeguard.prevention.public_urls")),
    path("prevention/", include("safeguard.prevention.urls")),
    path("api/v1/docs", api_docs, name="api-docs"),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
]
