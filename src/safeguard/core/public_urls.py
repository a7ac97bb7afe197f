"""Public pages, each under a language prefix (`/en/…`, `/de/…`): see core.i18n."""

from django.urls import path, register_converter

from safeguard.core import public_views
from safeguard.core.i18n import LanguageConverter

register_converter(LanguageConverter, "lang")

app_name = "public"
urlpatterns = [
    path("<lang:language>/about", public_views.about, name="about"),
]
