from django.urls import path

from safeguard.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/<slug:template_id>/", views.template_detail, name="template"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/states/", views.referral_states, name="referral-states"),
    path("referrals/new/<uuid:person_pk>/", views.referral_create, name="referral-create"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/steps/<slug:transition>/", views.referral_transition, name="referral-transition"),
    path("referrals/<int:pk>/report/", views.report_view, name="report"),
    path("referrals/<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("invitations/new/<uuid:person_pk>/", views.invitation_create, name="invitation-create"),
    path("invitations/<int:pk>/take-up/", views.invitation_take_up, name="invitation-take-up"),
    path("waiting-list/", views.waiting_list, name="waiting-list"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("groups/<int:pk>/reschedule/", views.group_reschedule, name="group-reschedule"),
    path("groups/<int:pk>/allocate/", views.group_allocate, name="group-allocate"),
    path("groups/<int:pk>/catch-up/", views.catch_up, name="catch-up"),
    path("sessions/<int:pk>/book/", views.book, name="book"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/modules/<int:module>/", views.review, name="review"),
    path("homework/<int:pk>/", views.homework, name="homework"),
    path("release-without-treatment/", views.release_gap, name="release-gap"),
    path("custody/<uuid:person_pk>/", views.custody, name="custody"),
    path("sites/", views.sites, name="sites"),
    path("sites/<int:pk>/closures/new/", views.closure_create, name="closure-create"),
]
