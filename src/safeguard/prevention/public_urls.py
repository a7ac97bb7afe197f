"""The prevention service's public pages: /help/<language>/… (no sign-in; see public_views)."""

from django.urls import path

from safeguard.core import public_urls as _core_public_urls  # noqa: F401  (registers the <lang:> converter)
from safeguard.prevention import public_views as views

app_name = "help"
urlpatterns = [
    path("<lang:language>/", views.home, name="home"),
    path("<lang:language>/confidentiality", views.confidentiality, name="confidentiality"),
    path("<lang:language>/self-help/", views.self_help, name="self-help"),
    path("<lang:language>/self-help/<slug:slug>", views.module, name="module"),
    path("<lang:language>/centres", views.centres, name="centres"),
    path("<lang:language>/urgent", views.urgent, name="urgent"),
    path("<lang:language>/self-assessment", views.self_assessment, name="self-assessment"),
    path("<lang:language>/self-assessment/share", views.self_assessment_share, name="self-assessment-share"),
    path("<lang:language>/messages/start", views.start, name="start"),
    path("<lang:language>/messages/return", views.come_back, name="return"),
    path("<lang:language>/messages/", views.conversation, name="conversation"),
    path("<lang:language>/messages/code-saved", views.code_saved, name="code-saved"),
    path("<lang:language>/messages/leave", views.leave, name="leave"),
    path("<lang:language>/messages/left", views.left, name="left"),
    path("<lang:language>/messages/centre", views.centre_request, name="centre-request"),
    path("<lang:language>/messages/appointment", views.appointment, name="appointment"),
]
