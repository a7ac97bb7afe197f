from django.urls import path

from safeguard.courts import views

app_name = "courts"
urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases.<str:fmt>", views.case_list_export, name="case-list-export"),
    path("new/", views.case_create, name="case-create"),
    path("<int:case_id>/", views.case_detail, name="case-detail"),
    path("<int:case_id>/report-details/", views.case_edit, name="case-edit"),
    path("<int:case_id>/report/sign/", views.case_sign, name="case-sign"),
    path("<int:case_id>/compare/", views.case_compare, name="case-compare"),
    path("<int:case_id>/report/", views.case_report, name="case-report"),
    path("<int:case_id>/report.pdf", views.case_report_pdf, name="case-report-pdf"),
    path("<int:case_id>/scenarios/new/", views.scenario_create, name="scenario-create"),
    path("<int:case_id>/scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario-detail"),
    path("<int:case_id>/scenarios/<int:scenario_id>/check/", views.scenario_check, name="scenario-check"),
    path("<int:case_id>/scenarios/<int:scenario_id>/offences/new/", views.offence_add, name="offence-add"),
    path(
        "<int:case_id>/scenarios/<int:scenario_id>/offences/<int:number>/remove/",
        views.offence_remove,
        name="offence-remove",
    ),
    path(
        "<int:case_id>/scenarios/<int:scenario_id>/offences/<int:number>/<slug:step>/",
        views.offence_step,
        name="offence-step",
    ),
    path("<int:case_id>/scenarios/<int:scenario_id>/<slug:step>/", views.scenario_step, name="scenario-step"),
    path("guidelines/", views.guideline_list, name="guideline-list"),
    path("guidelines/upload/", views.guideline_upload, name="guideline-upload"),
    path(
        "guidelines/uploads/<int:upload_id>/", views.guideline_upload_detail, name="guideline-upload-detail"
    ),
    path(
        "guidelines/<slug:guideline_id>/<str:version>/verify/",
        views.guideline_verify,
        name="guideline-verify",
    ),
]
