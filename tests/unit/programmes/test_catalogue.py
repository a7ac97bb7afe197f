"""The programme catalogue: the four shipped templates, the Building Choices structure exactly as the
spec gives it, and template files that do not hold together refused with what is wrong."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from safeguard.programmes import catalogue, domains
from safeguard.programmes.catalogue import CatalogueError, parse


def test_four_templates_ship_each_with_a_source_and_a_status():
    found = {t.id: t for t in catalogue.catalogue()}
    assert set(found) == {"building-choices-moderate", "community-image-course", "individual-therapy", "prevention-course"}
    for template in found.values():
        assert template.source and template.status in catalogue.STATUSES and template.version
        assert template.status_words
    assert found["building-choices-moderate"].status == "secondary"
    assert {found[k].status for k in ("community-image-course", "individual-therapy", "prevention-course")} == {"illustrative"}


def test_building_choices_moderate_is_the_specs_structure():
    template = catalogue.get("building-choices-moderate")
    assert template is not None
    assert (template.intensity, template.setting, template.delivery) == ("moderate", "both", "group")
    assert [m.name for m in template.modules] == [
        "Pre-group", "Getting started", "Managing myself", "Managing life's problems", "Managing people around me",
        "Bringing it all together", "Post-programme review",
    ]
    assert [len(m.sessions) for m in template.modules] == [1, 3, 7, 5, 7, 3, 1]
    sessions = template.sessions
    assert len(sessions) == 27 and [s.number for s in sessions] == list(range(1, 28))
    groups = [s for s in sessions if s.kind == "group"]
    one_to_ones = [s for s in sessions if s.kind == "one_to_one"]
    assert (len(groups), {s.minutes for s in groups}) == (21, {150})
    assert (len(one_to_ones), {s.minutes for s in one_to_ones}) == (6, {60})
    assert [s.name for s in template.modules[1].sessions[:2]] == ["Introduction", "Understanding myself"]
    assert [s.name for s in template.modules[2].sessions[:6]] == [
        "Understanding my feelings", "Helpful and unhelpful feelings", "Managing my feelings, part 1",
        "Managing my feelings, part 2", "Understanding my thinking", "Developing my flexible thinking",
    ]
    assert [s.name for s in template.modules[5].sessions] == ["Future me plan", "Future me practice", "Programme completion"]
    assert (sessions[0].stage, sessions[-1].stage) == ("pre_group", "review")
    assert (template.gap_after_pre_group_days, template.gap_before_review_days) == (21, 42)


def test_the_community_image_course_meets_weekly_for_long_sessions_with_homework():
    template = catalogue.get("community-image-course")
    assert template is not None
    sessions = template.sessions
    assert 10 <= len(sessions) <= 12 and all(s.kind == "group" for s in sessions)
    assert all(150 <= s.minutes <= 180 for s in sessions)
    assert sum(1 for s in sessions if s.homework) >= 10
    assert any("position of a child" in h.description for s in sessions for h in s.homework)
    assert (template.audience, template.setting) == ("internet_offending", "community")


def test_individual_therapy_and_the_prevention_course():
    therapy = catalogue.get("individual-therapy")
    prevention = catalogue.get("prevention-course")
    assert therapy is not None and prevention is not None
    assert (therapy.delivery, therapy.max_size) == ("individual", 1)
    assert all(s.kind == "one_to_one" for s in therapy.sessions)
    assert (prevention.audience, prevention.intensity, prevention.delivery) == ("prevention", "none", "group")


def test_versions_and_validity():
    template = catalogue.get("building-choices-moderate", "2025.1")
    assert template is not None and template.key == "building-choices-moderate@2025.1"
    assert template.valid_on(date(2025, 1, 1)) and not template.valid_on(date(2024, 12, 31))
    assert catalogue.current("building-choices-moderate", date(2024, 6, 1)) is None
    assert catalogue.get("building-choices-moderate", "1999") is None and catalogue.get("nothing") is None


def _data(name: str = "community-image-course.toml") -> dict:
    with (catalogue.DATA / name).open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(setting="ship"), "'setting' must be one of"),
        (lambda d: d.update(modules=[]), "at least one [[modules]]"),
        (lambda d: d["modules"][0]["sessions"][0].update(minutes=5), "'minutes' must be a whole number from 15 to 480"),
        (lambda d: d["modules"][1].update(number=7), "numbered 1, 2, 3"),
        (lambda d: d.update(min_size=20), "min_size is larger than max_size"),
        (lambda d: d.update(intensity="high", audience="prevention"), "prevention course has no accredited intensity"),
        (lambda d: d["modules"][1]["sessions"][0].update(stage="pre_group"), "the pre-group session comes first"),
        (lambda d: d.update(delivery="individual"), "individual delivery has one-to-one sessions only"),
        (lambda d: d.pop("source"), "'source' must be text"),
    ],
)
def test_a_template_that_does_not_hold_together_is_refused(change, message):
    data = _data()
    change(data)
    with pytest.raises(CatalogueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(data, file="broken.toml")


def test_the_progress_domains_have_an_anchor_for_every_rating():
    assert [d.code for d in domains.DOMAINS] == [
        "engagement", "understanding", "victim_empathy", "regret", "reflective_capacity", "self_management",
    ]
    for domain in domains.DOMAINS:
        assert set(domain.anchors) == set(domains.SCALE) == {1, 2, 3, 4}
        assert len(set(domain.anchors.values())) == 4


def test_the_docs_show_every_anchor_as_the_code_has_it():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "programmes.md").read_text(encoding="utf-8")
    for domain in domains.DOMAINS:
        for anchor in domain.anchors.values():
            assert anchor in docs, anchor
