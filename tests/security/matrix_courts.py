"""Authorization-matrix rows for the courts app's URLs (merged into test_authorization_matrix).

The case used is the court agency's (created by `kwargs_for`): the court practitioner sees it,
probation practitioners and supervisors may act on sentencing cases but not on another agency's
(404), every other role lacks the action (403). The report's own pages use a probation case.
"""

from __future__ import annotations

from tests.conftest import ROLES
from tests.security.matrix_common import SENTENCERS, everyone, person_record, staff_only  # noqa: F401

CASE_OWNER = "court_prac"
EDITORS = {"guide_editor"}


def court_case(ok: int = 200, anonymous: int = 302) -> dict[str, int]:
    """The court's case: 200 for its practitioner, 404 for other agencies' sentencers, else 403."""
    result = {name: (ok if name == CASE_OWNER else 404 if name in SENTENCERS else 403) for name in ROLES}
    result["anonymous"] = anonymous
    return result


# The pre-sentence report is probation's: its rows use a probation case. Probation's practitioner
# and supervisor write and sign it; the court's legal adviser and every other role lack the action.
REPORT_OWNER = "prob_prac"
REPORT_WRITERS = {"prob_prac", "prob_sup"}
REPORT_URLS = ("courts:case-edit", "courts:case-sign")


def report_case(ok: int = 200) -> dict[str, int]:
    result = {name: (ok if name in REPORT_WRITERS else 403) for name in ROLES}
    result["anonymous"] = 302
    return result


def api(allowed: set[str], ok: int = 200) -> dict[str, int]:
    return {**{name: (ok if name in allowed else 403) for name in ROLES}, "anonymous": 401}


# URL name -> method -> who -> expected status. Every URL of the app must have a row.
ROWS: dict[str, dict[str, dict[str, int]]] = {
    "courts:case-list": {"GET": staff_only(SENTENCERS)},
    # POST {}: the form asks for a person or a title (200 with the error summary).
    "courts:case-create": {"GET": staff_only(SENTENCERS), "POST": staff_only(SENTENCERS)},
    "courts:case-detail": {"GET": court_case()},
    # POST {}: every report field is optional, so it saves and redirects.
    "courts:case-edit": {"GET": report_case(), "POST": report_case(ok=302)},
    # POST {}: the confirmation is missing (200 with the error summary).
    "courts:case-sign": {"GET": report_case(), "POST": report_case()},
    "courts:scenario-check": {"GET": court_case()},
    "courts:case-compare": {"GET": court_case()},
    "courts:case-report": {"GET": court_case()},
    "courts:case-report-pdf": {"GET": court_case()},
    "courts:scenario-create": {"GET": court_case(), "POST": court_case()},
    "courts:scenario-detail": {"GET": court_case()},
    "courts:scenario-step": {"GET": court_case(), "POST": court_case()},
    # A further offence (number 2 exists): POST {} to a step is an invalid form (200 with errors).
    "courts:offence-add": {"POST": court_case(ok=302)},
    "courts:offence-step": {"GET": court_case(), "POST": court_case()},
    "courts:offence-remove": {"POST": court_case(ok=302)},
    "courts:guideline-list": {"GET": staff_only(EDITORS)},
    "courts:guideline-upload": {"GET": staff_only(EDITORS), "POST": staff_only(EDITORS)},
    "courts:guideline-upload-detail": {"GET": staff_only(EDITORS)},
    "courts:guideline-verify": {"GET": staff_only(EDITORS), "POST": staff_only(EDITORS)},
    "api-1:case_list": {"GET": api(SENTENCERS)},
    "api-1:case_create": {"POST": api(SENTENCERS, ok=201)},
    "api-1:case_detail": {"GET": court_case(anonymous=401)},
    "api-1:scenario_create": {"POST": court_case(ok=201, anonymous=401)},
    "api-1:scenario_update": {"PUT": court_case(anonymous=401)},
    "api-1:case_report_pdf": {"GET": court_case(anonymous=401)},
}

_REQUEST = {
    "offence": "cja1988-s160", "offence_date": "2023-06-01", "conviction_date": "2024-01-10",
    "sentencing_date": "2024-02-01", "offender_age_at_offence": 40, "offender_age_at_conviction": 40,
    "harm_factors": ["non_penetrative_sexual_activity"], "culpability_factors": ["possession"],
}  # fmt: skip

# Valid JSON bodies for API POSTs, so that the answer reflects authorization alone.
API_BODIES: dict[str, object] = {
    "api-1:case_create": {"title": "Matrix scenario"},
    "api-1:scenario_create": {"label": "Matrix", "request": _REQUEST},
    "api-1:scenario_update": {"label": "Matrix", "request": _REQUEST},
}


def kwargs_for(name: str, world) -> dict[str, object]:
    """URL arguments for this app's patterns (empty for others). Creates the court's case."""
    if name not in ROWS:
        return {}
    from safeguard.courts import services

    kwargs: dict[str, object] = {}
    if "case" in name or "scenario" in name or "offence-" in name:
        if name in ("courts:case-list", "courts:case-create", "api-1:case_list", "api-1:case_create"):
            return {}
        owner = REPORT_OWNER if name in REPORT_URLS else CASE_OWNER
        case = services.case_create(actor=world.actor(owner), title="Matrix case")
        kwargs["case_id"] = case.pk
        if ("scenario" in name or "offence-" in name) and "create" not in name:
            kwargs["scenario_id"] = case.scenarios.get().pk
        if name == "courts:scenario-step":
            kwargs["step"] = "offence"
        if name in ("courts:offence-step", "courts:offence-remove"):
            scenario = case.scenarios.get()
            kwargs["number"] = services.offence_add(
                actor=world.actor(CASE_OWNER), case=case, scenario=scenario
            )
            if name == "courts:offence-step":
                kwargs["step"] = "relation"
    elif name == "courts:guideline-upload-detail":
        from safeguard.courts.models import GuidelineUpload

        upload = GuidelineUpload.objects.create(
            guideline_id="matrix", version="1", file_name="matrix-1.toml", text="", sha256="0" * 64,
            notes="Matrix row", uploaded_by=world.users["guide_editor"],
        )  # fmt: skip
        kwargs["upload_id"] = upload.pk
    elif name == "courts:guideline-verify":
        kwargs.update(guideline_id="indecent-photographs-of-children", version="2014")
    return kwargs
