from django.urls import path

from safeguard.feeds import views

app_name = "feeds"
urlpatterns = [
    path("feeds/<str:token>.ics", views.feed, name="feed"),
    path("account/calendar-feed/", views.create, name="create"),
    path("account/calendar-feed/revoke/", views.revoke, name="revoke"),
]
