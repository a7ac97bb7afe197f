from django.urls import path

from safeguard.accounts import admin_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/verify/", views.sign_in_verify, name="sign-in-verify"),
    path("sign-in/set-up-authenticator/", views.sign_in_enrol, name="sign-in-enrol"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("set-up/<str:token>/", views.account_set_up, name="set-up"),
    path("account/", views.account, name="account"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/recovery-codes/new/", views.recovery_codes_regenerate, name="recovery-codes-new"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("account/role/", views.choose_role, name="choose-role"),
    path("users/", admin_views.user_list, name="user-list"),
    path("users/new/", admin_views.user_create, name="user-create"),
    path("users/approvals/", admin_views.approval_list, name="approval-list"),
    path("users/approvals/<int:request_pk>/", admin_views.approval_detail, name="approval-detail"),
    path("users/approvals/<int:request_pk>/approve/", admin_views.approval_approve, name="approval-approve"),
    path("users/approvals/<int:request_pk>/refuse/", admin_views.approval_refuse, name="approval-refuse"),
    path("users/<int:pk>/", admin_views.user_detail, name="user-detail"),
    path("users/<int:pk>/set-up-link/", admin_views.user_setup_link, name="user-setup-link"),
    path("users/<int:pk>/unlock/", admin_views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/disable/", admin_views.user_disable, name="user-disable"),
    path("users/<int:pk>/enable/", admin_views.user_enable, name="user-enable"),
    path("users/<int:pk>/reset-password/", admin_views.user_reset_password, name="user-reset-password"),
    path(
        "users/<int:pk>/reset-second-factor/", admin_views.user_reset_second_factor, name="user-reset-second-factor"
    ),
    path("users/<int:pk>/memberships/new/", admin_views.membership_add, name="membership-add"),
    path("users/<int:pk>/memberships/<int:membership_pk>/role/", admin_views.membership_role, name="membership-role"),
    path("users/<int:pk>/memberships/<int:membership_pk>/end/", admin_views.membership_end, name="membership-end"),
]
