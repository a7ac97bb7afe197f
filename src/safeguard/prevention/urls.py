"""Staff pages of the prevention service (/prevention/…): its own staff at the handling centre only."""

from django.urls import path

from safeguard.prevention import views

app_name = "prevention"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("conversations/<uuid:pk>/", views.conversation, name="conversation"),
    path("conversations/<uuid:pk>/reply", views.reply, name="reply"),
    path("conversations/<uuid:pk>/note", views.note, name="note"),
    path("conversations/<uuid:pk>/assign", views.assign, name="assign"),
    path("conversations/<uuid:pk>/close", views.close, name="close"),
    path("conversations/<uuid:pk>/self-assessment", views.self_assessment, name="self-assessment"),
    path("conversations/<uuid:pk>/refer", views.refer, name="refer"),
    path("conversations/<uuid:pk>/disclosure", views.disclosure_request, name="disclosure-request"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new", views.contact_create, name="contact-create"),
    path("waiting-list/", views.waiting_list, name="waiting-list"),
    path("referrals/<uuid:pk>/", views.referral, name="referral"),
    path("statistics/", views.statistics, name="statistics"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/retire", views.template_retire, name="template-retire"),
    path("centre/", views.centre, name="centre"),
    path("disclosures/", views.disclosure_register, name="disclosures"),
    path("disclosures/<uuid:pk>/", views.disclosure, name="disclosure"),
]
