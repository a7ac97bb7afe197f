from django.urls import path

from safeguard.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("caseload.<str:fmt>", views.caseload_export, name="caseload-export"),
    path("settings/visits/", views.visit_settings, name="settings"),
    path("person/<uuid:pk>/", views.person, name="person"),
    path("person/<uuid:pk>/start/", views.case_open, name="case-open"),
    path("person/<uuid:pk>/requirements/new/", views.requirement_create, name="requirement-create"),
    path("person/<uuid:pk>/mappa/", views.mappa_set, name="mappa-set"),
    path("person/<uuid:pk>/meetings/new/", views.meeting_record, name="meeting-record"),
    path("case/<uuid:pk>/edit/", views.case_edit, name="case-edit"),
    path("case/<uuid:pk>/close/", views.case_close, name="case-close"),
    path("case/<uuid:pk>/transfer/", views.case_transfer, name="case-transfer"),
    path("case/<uuid:pk>/management/", views.case_management, name="case-management"),
    path("case/<uuid:pk>/triggers/new/", views.trigger_record, name="trigger-record"),
    path("case/<uuid:pk>/plan/", views.plan_edit, name="plan-edit"),
    path("case/<uuid:pk>/plan/items/new/", views.plan_item_add, name="plan-item-add"),
    path("case/<uuid:pk>/override/", views.override_request, name="override-request"),
    path("case/<uuid:pk>/visits/schedule/", views.visit_schedule, name="visit-schedule"),
    path("case/<uuid:pk>/visits/new/", views.visit_record, name="visit-record"),
    path("plan-item/<int:pk>/remove/", views.plan_item_remove, name="plan-item-remove"),
    path("trigger/<int:pk>/review/", views.trigger_review, name="trigger-review"),
    path("override/<uuid:pk>/<slug:transition>/", views.override_move, name="override-move"),
    path("visit/<uuid:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("requirement/<uuid:pk>/notifications/new/", views.notification_record, name="notification-record"),
    path("requirement/<uuid:pk>/breaches/new/", views.breach_record, name="breach-record"),
    path("notification/<uuid:pk>/made/", views.notification_made, name="notification-made"),
    path("breach/<uuid:pk>/<slug:transition>/", views.breach_move, name="breach-move"),
    path("action/<int:pk>/done/", views.action_complete, name="action-complete"),
]
