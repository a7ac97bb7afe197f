from django.urls import path

from safeguard.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<uuid:pk>/", views.person_detail, name="detail"),
    path("<uuid:pk>/reason/", views.person_justify, name="justify"),
    path("<uuid:pk>/notes/new/", views.note_create, name="note-create"),
    path("<uuid:pk>/convictions/new/", views.conviction_create, name="conviction-create"),
    path("<uuid:pk>/addresses/new/", views.address_create, name="address-create"),
]
