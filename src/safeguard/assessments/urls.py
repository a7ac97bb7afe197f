from django.urls import path

from safeguard.assessments import views

app_name = "assessments"
urlpatterns = [
    path("person/<uuid:person_pk>/", views.history, name="history"),
    path("person/<uuid:person_pk>/compare/", views.compare, name="compare"),
    path("person/<uuid:person_pk>/new/", views.choose, name="choose"),
    path("preview/<slug:instrument_id>/", views.preview, name="preview"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/edit/", views.edit, name="edit"),
    path("<uuid:pk>/correct/", views.correct, name="correct"),
]
