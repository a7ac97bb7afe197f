from django.urls import path

from safeguard.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/verify/", views.sign_in_verify, name="sign-in-verify"),
    path("sign-in/set-up-authenticator/", views.sign_in_enrol, name="sign-in-enrol"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/", views.account, name="account"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/recovery-codes/new/", views.recovery_codes_regenerate, name="recovery-codes-new"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("account/role/", views.choose_role, name="choose-role"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/active/", views.user_set_active, name="user-set-active"),
    path("users/<int:pk>/memberships/<int:membership_pk>/role/", views.membership_role, name="membership-role"),
]
