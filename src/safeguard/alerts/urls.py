from django.urls import path

from safeguard.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("team/", views.team, name="team"),
]
