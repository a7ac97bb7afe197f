from django.urls import path

from safeguard.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.home, name="home"),
    path("survival/", views.survival, name="survival"),
    path("survival.<str:fmt>", views.survival_download, name="survival-download"),
    path("validation/", views.validation, name="validation"),
    path("validation.<str:fmt>", views.validation_download, name="validation-download"),
    path("run/", views.run, name="run"),
    path("flow/", views.flow, name="flow"),
    path("publish/", views.publish, name="publish"),
    path("import/", views.import_start, name="import-start"),
    path("import/<str:kind>/", views.import_file, name="import"),
    path("people/<uuid:person_pk>/outcomes/new/", views.outcome_add, name="outcome-add"),
    path("people/<uuid:person_pk>/follow-up/", views.follow_up, name="follow-up"),
    path("outcomes/<uuid:pk>/delete/", views.outcome_delete, name="outcome-delete"),
]
