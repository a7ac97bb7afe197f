"""The platform's step framework: the order of the steps, which step owns a field (where an error sends
the user back to), and the step list's done / current / to do."""

from __future__ import annotations

import pytest

from safeguard.core.steps import CURRENT, DONE, TO_DO, Step, Steps, top_field

REFERRAL = Steps(
    Step("programme", "Programme and provider", ("programme_id", "site", "setting")),
    Step("kind", "Kind of referral", ("source", "court_case", "consent_given_on")),
    Step("reasons", "Reasons", ("information",)),
)


def test_steps_are_a_sequence_in_order():
    assert len(REFERRAL) == 3
    assert [s.slug for s in REFERRAL] == ["programme", "kind", "reasons"] == list(REFERRAL.slugs)
    assert REFERRAL[0] is REFERRAL.first and REFERRAL[-1] is REFERRAL.last
    assert [s.slug for s in REFERRAL[:2]] == ["programme", "kind"]
    assert REFERRAL.get("kind") is REFERRAL[1] and REFERRAL.get("nowhere") is None


def test_next_and_previous_stop_at_the_ends():
    assert REFERRAL.index_of("reasons") == 2
    assert REFERRAL.next_step("programme") is REFERRAL[1]
    assert REFERRAL.next_step("reasons") is None
    assert REFERRAL.previous_step("kind") is REFERRAL[0]
    assert REFERRAL.previous_step("programme") is None


def test_an_unknown_slug_is_refused():
    with pytest.raises(ValueError, match="nowhere"):
        REFERRAL.index_of("nowhere")
    with pytest.raises(ValueError):
        REFERRAL.next_step("nowhere")


@pytest.mark.parametrize(
    ("field", "slug"),
    [
        ("site", "programme"),
        ("consent_given_on", "kind"),
        ("information", "reasons"),
        # a path inside a field belongs to the field's step
        ("court_case.id", "kind"),
        ("information[0]", "reasons"),
        # a form-wide error, or a field no step sets: the first step
        ("__all__", "programme"),
        ("", "programme"),
        ("responsible_officer", "programme"),
    ],
)
def test_a_field_error_belongs_to_the_step_that_sets_the_field(field, slug):
    assert REFERRAL.step_for_field(field).slug == slug


def test_only_fields_a_step_sets_have_an_owner():
    assert REFERRAL.owner_index("source") == 1
    assert REFERRAL.owner_index("responsible_officer") is None
    assert top_field("offences[1].request.plea") == "offences"
    assert top_field("community_order.requirements") == "community_order"


def test_errors_on_several_steps_return_to_the_earliest():
    assert REFERRAL.earliest(["information", "source"]).slug == "kind"
    assert REFERRAL.earliest(["information", "__all__"]).slug == "programme"
    assert REFERRAL.earliest([]) is None


def test_progress_is_done_current_and_to_do():
    shown = REFERRAL.progress("kind", done={"programme", "kind"}, url=lambda s: f"/referral/{s.slug}")
    assert [(p.number, p.step.slug, p.state) for p in shown] == [
        (1, "programme", DONE), (2, "kind", CURRENT), (3, "reasons", TO_DO),
    ]  # fmt: skip
    assert [p.status for p in shown] == ["Completed", "You are here", "Not yet started"]
    assert shown[1].current and not shown[0].current
    assert shown[2].url == "/referral/reasons"
    assert all(p.url == "" for p in REFERRAL.progress(None))


def test_a_sequence_that_does_not_hold_together_is_refused():
    with pytest.raises(ValueError, match="same slug"):
        Steps(Step("a", "A"), Step("a", "Again"))
    with pytest.raises(ValueError, match="'x' belongs to two steps"):
        Steps(Step("a", "A", ("x",)), Step("b", "B", ("x", "y")))
