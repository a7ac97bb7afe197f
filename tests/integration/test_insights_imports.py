"""CSV imports: the column mapping, every row checked with its line number, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.audit.models import AuditEvent
from safeguard.insights import imports
from safeguard.insights.models import FollowUp, ImportBatch, OutcomeEvent
from tests.integration.insights_fixtures import event

TODAY = date(2026, 6, 1)
MAPPING = {"reference": "ref", "kind": "what", "offence_type": "type", "event_date": "when"}


def run(world, text: str, mapping=MAPPING, who="prob_sup"):
    return imports.import_outcomes(actor=world.actor(who), content=text.encode(), filename="outcomes.csv",
                                   mapping=mapping, today=TODAY)


def test_a_valid_file_is_imported_whole(world):
    done = run(world, "ref,what,type,when\nPTEST001,conviction,sexual_contact,2025-01-02\n"
                      "PTEST002,New charge,Indecent image offence,03/02/2025\n")
    assert (done.rows, done.persons) == (2, 2)
    assert set(OutcomeEvent.objects.values_list("kind", "offence_type")) == {("conviction", "sexual_contact"), ("charge", "image")}
    batch = ImportBatch.objects.get()
    assert batch.rows == 2 and batch.kind == "outcomes"
    audit = AuditEvent.objects.get(action="insights.outcome.import")
    assert audit.details == {"rows": 2, "persons": 2, "file": "outcomes.csv"}


def test_every_problem_is_reported_with_its_line_and_nothing_is_saved(world):
    event(world, world.persons["probation"], "2024-05-05", kind="charge", offence_type="violent")
    text = (
        "ref,what,type,when\n"
        "PTEST001,conviction,sexual_contact,2025-01-02\n"  # 2: fine
        "NOSUCH1,conviction,sexual_contact,2025-01-02\n"   # 3: unknown person
        "PTEST003,conviction,sexual_contact,2025-01-02\n"  # 4: a person the agency cannot see
        "PTEST001,arrest,sexual_contact,2025-01-02\n"      # 5: unknown kind
        "PTEST001,conviction,burglary,2025-01-02\n"        # 6: unknown type
        "PTEST001,conviction,image,2025-13-40\n"           # 7: not a date
        "PTEST001,conviction,image,2030-01-01\n"           # 8: in the future
        "PTEST001,conviction,sexual_contact,2025-01-02\n"  # 9: repeats line 2
        "PTEST001,charge,violent,2024-05-05\n"             # 10: already recorded
    )
    with pytest.raises(imports.ImportRefused) as refused:
        run(world, text)
    found = {(p.line, p.column) for p in refused.value.problems}
    assert found == {(3, "ref"), (4, "ref"), (5, "what"), (6, "type"), (7, "when"), (8, "when"), (9, "when"), (10, "when")}
    messages = {p.line: p.message for p in refused.value.problems}
    assert messages[3] == messages[4].replace("PTEST003", "NOSUCH1")  # unknown and out of reach read the same
    assert "is on line 2" in messages[9]
    assert OutcomeEvent.objects.count() == 1 and not ImportBatch.objects.exists()


def test_a_mapping_to_a_missing_column_is_refused_before_reading_rows(world):
    with pytest.raises(imports.ImportRefused) as refused:
        run(world, "reference,kind,type,date\nPTEST001,conviction,image,2025-01-02\n")
    problems = refused.value.problems
    assert [p.line for p in problems] == [1, 1, 1]
    assert "The file has no column “ref”" in problems[0].message


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty"), (b"ref,what,type,when\n", "header but no rows"), (b"\xff\xfe\x00", "not UTF-8"),
])
def test_unreadable_files(world, content, message):
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_outcomes(actor=world.actor("prob_sup"), content=content, filename="x.csv", mapping=MAPPING, today=TODAY)
    assert message in refused.value.problems[0].message


def test_follow_ups_import_checks_dates_in_order_and_one_per_person(world):
    text = (
        "reference,start_date,start_reason,end_date,end_reason,programme_status\n"
        "PTEST001,2020-01-01,release,,,completed\n"
        "PTEST002,2021-05-01,order_start,2020-01-01,death,\n"      # 3: ends before it starts
        "PTEST001,2022-01-01,release,,,\n"                          # 4: second follow-up for a person
        "PTEST002,2021-05-01,parole,,,nonsense\n"                   # 5: unknown reason and status
    )
    mapping = {t.name: t.default_column for t in imports.FOLLOW_UP_TARGETS}
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_follow_ups(actor=world.actor("prob_sup"), content=text.encode(), filename="f.csv", mapping=mapping, today=TODAY)
    found = {(p.line, p.column) for p in refused.value.problems}
    assert found == {(3, "end_date"), (4, "reference"), (5, "start_reason"), (5, "programme_status")}
    assert "before its start" in next(p.message for p in refused.value.problems if p.line == 3)
    assert not FollowUp.objects.exists()
    done = imports.import_follow_ups(actor=world.actor("prob_sup"), content=text.splitlines()[0:2] and "\n".join(text.splitlines()[0:2]).encode(),
                                     filename="f.csv", mapping=mapping, today=TODAY)
    assert done.rows == 1 and FollowUp.objects.get().programme_status == "completed"


def test_the_import_page_lists_the_problems(world, as_user):
    client = as_user("prob_sup")
    upload = SimpleUploadedFile("o.csv", b"reference,kind,offence_type,date\nPTEST001,conviction,sexual_contact,2031-01-01\n")
    body = client.post(reverse("insights:import", args=["outcomes"]), {
        "file": upload, **{f"column_{t.name}": t.default_column for t in imports.OUTCOME_TARGETS},
    }).content.decode()
    assert "Nothing was imported: 1 problem in the file" in body
    assert "is in the future" in body
    upload = SimpleUploadedFile("o.csv", b"reference,kind,offence_type,date\nPTEST001,conviction,sexual_contact,2021-01-01\n")
    response = client.post(reverse("insights:import", args=["outcomes"]), {
        "file": upload, **{f"column_{t.name}": t.default_column for t in imports.OUTCOME_TARGETS},
    })
    assert response.status_code == 302 and OutcomeEvent.objects.count() == 1


def test_practitioners_may_not_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(world, "ref,what,type,when\nPTEST001,conviction,sexual_contact,2025-01-02\n", who="prob_prac")
