"""Guideline administration: files are checked by the engine's loader before use, verifications
record who checked what against which source, and a part becomes verified for the engine only by
the documented path (a verification of exactly those figures, then a file marking them verified)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.courts import library, services
from safeguard.courts.models import GuidelineUpload, GuidelineVerification
from safeguard.guidelines.loader import DATA_DIRECTORY
from tests.conftest import sign_in
from tests.integration.test_courts_services import PUBLISHED, new_case
from tests.integration.test_courts_views import text_of

IMAGES = (DATA_DIRECTORY / "indecent-photographs-of-children-2014.toml").read_text()


def new_version(text: str = IMAGES, version: str = "2025", effective: str = "2025-01-01") -> str:
    """The image guideline as a later version: new version, new effective date, one cell changed."""
    text = text.replace('version = "2014"', f'version = "{version}"', 1)
    text = re.sub(r"\[effective_from\]\ndate = [0-9-]+", f"[effective_from]\ndate = {effective}", text, count=1)
    return text.replace('starting_point = "1y"\nrange = ["26w", "3y"]', 'starting_point = "15m"\nrange = ["26w", "3y"]', 1)


def table_marked_verified(text: str) -> str:
    """Mark the table (and every cell) verified; the rest of the file is left as it was."""
    head, table = text.split("\n[table]\n", 1)
    table = table.replace('evidence = "candidate"', 'evidence = "verified"').replace('evidence = "secondary"', 'evidence = "verified"')
    table = table.replace('status = "unverified transcription"', 'status = "verified"', 1)
    return head + "\n[table]\n" + table


def upload(world, text: str, who: str = "guide_editor", notes: str = "Test transcription from the spec"):
    return services.guideline_upload(actor=world.actor(who), content=text.encode(), notes=notes)


def calculate(request):
    from safeguard.courts import steps

    return steps.run(request)


def test_an_invalid_file_is_refused_with_the_loaders_messages(world):
    with pytest.raises(ValidationError) as refused:
        upload(world, "id = [unclosed")
    assert "The file is not valid TOML" in str(refused.value)
    broken = IMAGES.replace('starting_point = "1y"\nrange = ["26w", "3y"]', 'starting_point = "4y"\nrange = ["26w", "3y"]')
    with pytest.raises(ValidationError) as refused:
        upload(world, broken)
    messages = refused.value.message_dict["file"]
    assert any(m.startswith("indecent-photographs-of-children-2014.toml#table.cells[0]") for m in messages), messages
    with pytest.raises(ValidationError) as refused:
        upload(world, IMAGES.replace('id = "indecent-photographs-of-children"', 'id = "../etc/passwd"'))
    assert "needs an id of lower-case letters" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.guideline_upload(actor=world.actor("guide_editor"), content=b"\xff\xfe", notes="Binary")
    assert "must be UTF-8 text" in str(refused.value)
    assert not GuidelineUpload.objects.exists()
    assert AuditEvent.objects.filter(action="guideline.upload", outcome="failure").count() == 4
    with pytest.raises(ValidationError) as refused:
        upload(world, IMAGES, notes=" ")
    assert "Say what this file is" in str(refused.value)


def test_two_versions_may_not_take_effect_on_the_same_day(world):
    with pytest.raises(ValidationError) as refused:
        upload(world, new_version(effective="2014-04-01"))
    assert "version 2014 of indecent-photographs-of-children already takes effect on 2014-04-01" in str(refused.value)


def test_only_the_guideline_editor_manages_guidelines(world):
    for who in ("court_prac", "prob_sup", "admin"):
        with pytest.raises(PermissionDenied):
            upload(world, new_version(), who=who)


def test_an_accepted_version_is_used_by_calculations_from_its_date(world, client):
    accepted = upload(world, new_version())
    assert accepted.file_name == "indecent-photographs-of-children-2025.toml" and not accepted.revision
    later = {
        **{k: v for k, v in PUBLISHED.items() if k not in ("sentence_before_plea", "suspension")},
        "offence_date": "2025-02-01", "conviction_date": "2025-03-01", "sentencing_date": "2025-03-10",
        "sentencing_court": "crown_court", "plea": {"stage": "first_stage", "first_hearing_date": "2025-03-01"},
    }  # fmt: skip
    outcome = calculate(later)
    assert outcome.problems == []
    assert outcome.result["guideline"]["version"] == "2025"
    assert outcome.result["table"]["starting_point"]["text"] == "15 months' custody"
    assert outcome.state.signature == f"packaged+uploads:{accepted.pk}"
    assert calculate(PUBLISHED).result["guideline"]["version"] == "2014"  # earlier sentencing dates
    # The stateless API uses the same data.
    sign_in(client, world.users["court_prac"])
    versions = client.get("/api/v1/sentencing/guidelines").json()
    assert {v["version"] for v in versions if v["id"] == "indecent-photographs-of-children"} == {"2014", "2025"}
    response = client.post("/api/v1/sentencing/calculate", later, content_type="application/json")
    assert response.json()["table"]["starting_point"]["text"] == "15 months' custody"


def test_a_verification_records_who_when_and_against_what(world):
    actor = world.actor("guide_editor")
    with pytest.raises(ValidationError) as refused:
        services.guideline_verify(actor=actor, guideline_id="indecent-photographs-of-children", version="2014",
                                  part="aggravating", verified_against="")  # fmt: skip
    assert set(refused.value.message_dict) == {"part", "verified_against"}
    record = services.guideline_verify(
        actor=actor, guideline_id="indecent-photographs-of-children", version="2014", part="table",
        verified_against="Sentencing Council, Sexual Offences Definitive Guideline (2014), p. 77",
    )  # fmt: skip
    assert record.verified_by == world.users["guide_editor"] and record.verified_at is not None
    assert record.figures["cells"][0] == {
        "harm": "A", "culpability": "distribution", "starting_point": "3 years' custody",
        "range_from": "2 years' custody", "range_to": "5 years' custody",
    }  # fmt: skip
    assert record.data_sha256 == library.current().text_sha256("indecent-photographs-of-children", "2014")
    assert AuditEvent.objects.get(action="guideline.verify").details["part"] == "table"


def test_a_table_becomes_verified_for_the_engine_only_by_the_documented_path(world, client):
    verified_file = table_marked_verified(IMAGES)
    # 1. A file may not simply claim the table is verified.
    with pytest.raises(ValidationError) as refused:
        upload(world, verified_file)
    assert "no verification of exactly these figures is recorded" in str(refused.value)
    # 2. Record the verification of the figures in use, then the same file is accepted.
    services.guideline_verify(
        actor=world.actor("guide_editor"), guideline_id="indecent-photographs-of-children", version="2014",
        part="table", verified_against="Sentencing Council guideline, p. 77",
    )  # fmt: skip
    revision = upload(world, verified_file)
    assert revision.revision is True
    result = calculate(PUBLISHED).result
    assert result["table"]["status"] == "verified"
    assert not any(w.startswith("Starting point and range") for w in result["warnings"])
    assert result["verified"] is False  # other facts (categories, plea) are still unverified
    # 3. Changed figures marked verified are refused: the record covers the old figures only.
    with pytest.raises(ValidationError):
        upload(world, verified_file.replace('starting_point = "1y"', 'starting_point = "2y"', 1))
    # A new version cannot arrive already verified.
    with pytest.raises(ValidationError) as refused:
        upload(world, table_marked_verified(new_version(version="2026", effective="2026-01-01")))
    assert "this version is new" in str(refused.value)
    # The verification shows next to results that use the version.
    case = new_case(world)
    scenario = case.scenarios.get()
    services.scenario_save_step(actor=world.actor("court_prac"), case=case, scenario=scenario, step="notification", request=PUBLISHED)
    sign_in(client, world.users["court_prac"])
    body = text_of(client.get(reverse("courts:scenario-detail", args=[case.pk, scenario.pk])))
    assert "Starting points and ranges (the table): verified by Guide_Editor on" in body
    assert "against “Sentencing Council guideline, p. 77”" in body


def test_offences_file_cannot_be_uploaded(world):
    offences = (DATA_DIRECTORY / "offences.toml").read_text()
    with pytest.raises(ValidationError) as refused:
        upload(world, offences)
    assert "changed only with the code" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        upload(world, 'id = "offences"\nversion = "x"\n')
    assert "offences-x.toml#" in str(refused.value)  # the loader lists every missing key


def test_guideline_pages(client, world):
    sign_in(client, world.users["guide_editor"])
    page = text_of(client.get(reverse("courts:guideline-list")))
    assert "Indecent photographs of children" in page and "packaged with Safeguard" in page
    response = client.post(reverse("courts:guideline-upload"), {"notes": "x", "file": SimpleUploadedFile("a.toml", b"nope = [")})
    assert "The file is not valid TOML" in text_of(response)
    response = client.post(reverse("courts:guideline-upload"), {"notes": "", "file": ""})
    body = text_of(response)
    assert "Choose a guideline data file" in body and "Say what this file is and what changed" in body
    response = client.post(
        reverse("courts:guideline-upload"),
        {"notes": "2025 version for testing", "file": SimpleUploadedFile("x.toml", new_version().encode())},
    )
    assert response.status_code == 302
    upload_row = GuidelineUpload.objects.get()
    detail = text_of(client.get(reverse("courts:guideline-upload-detail", args=[upload_row.pk])))
    assert 'version = "2025"' in detail
    url = reverse("courts:guideline-verify", args=["indecent-photographs-of-children", "2014"])
    form = text_of(client.get(url))
    assert "3 years' custody" in form and "Starting points and ranges" in form
    response = client.post(url, {"part": "table", "verified_against": ""})
    body = text_of(response)
    assert "Enter the source you checked against" in body and "Confirm that you checked every figure" in body
    response = client.post(url, {"part": "table", "verified_against": "Official guideline p. 77", "confirm": "on"})
    assert response.status_code == 302
    assert GuidelineVerification.objects.get().verified_against == "Official guideline p. 77"
    assert "against “Official guideline p. 77”" in text_of(client.get(reverse("courts:guideline-list")))
    assert client.get(reverse("courts:guideline-verify", args=["no-such-guideline", "1"])).status_code == 404
