from django.urls import path

from safeguard.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("progress/<uuid:pk>/", views.progress, name="progress"),
]
