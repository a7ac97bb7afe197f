"""Authorization-matrix rows for account administration (merged into test_authorization_matrix).

The subject is prob_prac (probation only): the platform administrator (`admin`) and probation's
own administrator (`prob_admin`) both manage them; every other role lacks the action (403). The
approval request used is one prob_admin made (prob_prac's role to auditor): prob_admin sees it
but may not decide on it (403, own request); admin approves it (302) or, with no reason, is asked
for one (200).
"""

from __future__ import annotations

from tests.security.matrix_common import everyone, staff_only

ADMINS = {"admin", "prob_admin"}


def admins(ok: int = 200) -> dict[str, int]:
    return staff_only(ADMINS, ok=ok)


# URL name -> method -> who -> expected status. Every URL of account administration has a row.
ROWS: dict[str, dict[str, dict[str, int]]] = {
    "accounts:user-list": {"GET": admins()},
    "accounts:user-detail": {"GET": admins()},
    # POST {}: the form names what is missing (200 with the error summary).
    "accounts:user-create": {"GET": admins(), "POST": admins()},
    # Nothing to show in this session: back to the user's page.
    "accounts:user-setup-link": {"GET": admins(302)},
    "accounts:user-unlock": {"GET": everyone(405), "POST": admins(302)},
    "accounts:user-disable": {"GET": admins(), "POST": admins(302)},
    "accounts:user-enable": {"GET": everyone(405), "POST": admins(302)},
    "accounts:user-reset-password": {"GET": admins(), "POST": admins(302)},
    "accounts:user-reset-second-factor": {"GET": admins(), "POST": admins(302)},
    "accounts:membership-add": {"GET": admins(), "POST": admins()},
    "accounts:membership-role": {"GET": admins(), "POST": admins()},
    "accounts:membership-end": {"GET": admins(), "POST": admins(302)},
    "accounts:approval-list": {"GET": admins()},
    "accounts:approval-detail": {"GET": admins()},
    "accounts:approval-approve": {"GET": everyone(405), "POST": {**admins(302), "prob_admin": 403}},
    "accounts:approval-refuse": {"GET": everyone(405), "POST": {**admins(200), "prob_admin": 403}},
    # A valid one-time link: anyone holding it may use it (POST {}: the form names what is missing).
    "accounts:set-up": {"GET": everyone(200), "POST": everyone(200)},
}


def kwargs_for(name: str, world) -> dict[str, object]:
    """URL arguments for this module's patterns: an approval request, or a set-up link."""
    from safeguard.accounts import services

    if name.startswith("accounts:approval-") and name != "accounts:approval-list":
        result = services.membership_set_role(
            actor=world.actor("prob_admin"), membership=world.memberships["prob_prac"], role="auditor",
            reason="Matrix test: covering the agency's audit duties.",
        )
        assert result.request is not None
        return {"request_pk": result.request.pk}
    if name == "accounts:set-up":
        _, result = services.user_create(
            actor=world.actor("admin"), username="matrix.newcomer", first_name="Matrix", last_name="Newcomer",
            agency=world.agencies["probation"], role="practitioner",
        )
        return {"token": result.setup_token}
    return {}
