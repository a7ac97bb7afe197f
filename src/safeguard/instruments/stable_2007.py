"""STABLE-2007: thirteen changeable risk factors rated every six months; a total and profile, never a band."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.fields import Field
from safeguard.instruments.result import FieldError, Result

SOURCE = "STABLE-2007, Public Safety Canada and SAARNA publications"

ITEMS = (
    (
        "significant_social_influences",
        "Significant social influences",
        "The balance of positive and negative influences from the people in the person's life.",
    ),
    (
        "capacity_for_relationship_stability",
        "Capacity for relationship stability",
        "Problems forming and keeping stable, intimate relationships with adults.",
    ),
    (
        "emotional_identification_with_children",
        "Emotional identification with children",
        "Feeling emotionally closer to children than to adults. Rate only where a victim was a child; "
        "give null when no victim was a child.",
    ),
    (
        "hostility_toward_women",
        "Hostility toward women",
        "Hostile or contemptuous attitudes and beliefs about women.",
    ),
    (
        "general_social_rejection",
        "General social rejection",
        "Feeling rejected, lonely or isolated from others.",
    ),
    (
        "lack_of_concern_for_others",
        "Lack of concern for others",
        "Callousness and little concern for the feelings or welfare of others.",
    ),
    ("impulsive_acts", "Impulsive acts", "Acting on impulse without thinking of the consequences."),
    (
        "poor_problem_solving",
        "Poor problem-solving skills",
        "Difficulty recognising problems and finding and carrying out workable solutions.",
    ),
    (
        "negative_emotionality",
        "Negative emotionality",
        "Hostility, feeling victimised or ruminating on grievances when under stress.",
    ),
    (
        "sex_drive_and_preoccupation",
        "Sex drive and preoccupation",
        "Strong sexual urges or thoughts that take up much of the person's time.",
    ),
    ("sex_as_coping", "Sex as coping", "Using sex or sexual fantasy to manage stress or difficult feelings."),
    (
        "deviant_sexual_preference",
        "Deviant sexual preference",
        "Sexual interest in children, in coercive sex or in other offence-related sexual acts.",
    ),
    (
        "cooperation_with_supervision",
        "Cooperation with supervision",
        "How far the person engages with, is open with and complies with supervision.",
    ),
)
ITEM_NAMES = tuple(name for name, _, _ in ITEMS)
RATINGS = {0: "no problem", 1: "some problem", 2: "definite problem"}
HAZARD_RATIO_PER_POINT = 1.12


def _rating(title: str) -> Any:
    def score(answer: int | None) -> tuple[int | None, str]:
        if answer is None:
            return None, f"{title}: not rated (no victim was a child)"
        return answer, f"{title}: {answer} ({RATINGS[answer]})"

    return score


class Stable2007(Instrument):
    meta = InstrumentMetadata(
        id="stable-2007",
        name="STABLE-2007",
        model_version="2007",
        thresholds_version="none",
        source=SOURCE,
        tables=(
            TableInfo(
                "items",
                "thirteen items rated 0, 1 or 2 and summed 0-26",
                "candidate",
                "item list not confirmed by any source reachable here",
                SOURCE,
                "2007",
            ),
            TableInfo(
                "no_levels",
                "no standalone risk levels",
                "verified",
                "the developers state STABLE-2007 has no standalone levels",
                SOURCE,
                "2007",
            ),
        ),
        population=(
            "Adult men with a sexually motivated offence under supervision, rated from file and interview."
        ),
        not_for=(
            "women (not applicable)",
            "assigning a risk band or level from STABLE-2007 alone",
            "use without the rater's training and the full coding manual",
        ),
        reassessment_months=6,
        reassessment_note=(
            "Re-rate every six months during supervision, and sooner after a significant change."
        ),
        bands=(),
        points_range=(0, 26),
        gives_probability=False,
        known_limits=(
            "Each point is associated with a sexual recidivism hazard ratio of about "
            f"{HAZARD_RATIO_PER_POINT} "
            "(meta-analysis); this is a relative, not an absolute, figure.",
            "The combined Static-99R x STABLE-2007 priority levels are not published in the spec "
            "and are not provided.",
        ),
        extra_keys=("change_since_previous", "max_points"),
        item_titles=tuple((name, title) for name, title, _ in ITEMS),
    )
    input_fields = (
        Field(
            "sex",
            "choice",
            "Sex",
            "Optional. STABLE-2007 is for men; for a woman the result is 'not applicable'.",
            required=False,
            nullable=True,
            choices=("male", "female"),
        ),
        *(
            Field(
                name,
                "integer",
                title,
                f"{text} 0 = no problem, 1 = some problem, 2 = definite problem.",
                nullable=name == "emotional_identification_with_children",
                choices=(0, 1, 2),
            )
            for name, title, text in ITEMS
        ),
        Field(
            "previous_total",
            "integer",
            "Previous STABLE-2007 total",
            "Optional. The total from the last rating, to show the change since then.",
            required=False,
            nullable=True,
            minimum=0,
            maximum=26,
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rules = tuple(ItemRule(name, _rating(title)) for name, title, _ in ITEMS)

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        if errors:
            return self.error_result(errors)
        if values["sex"] == "female":
            return self.not_applicable("STABLE-2007 is for men; it is not scored for a woman.")
        items = tuple(rule.explain(values[name]) for rule, name in zip(self._rules, ITEM_NAMES, strict=True))
        points = sum(item.points or 0 for item in items)
        previous = values["previous_total"]
        max_points = 26 if values["emotional_identification_with_children"] is not None else 24
        warnings = ["STABLE-2007 has no standalone risk levels: do not derive a risk band from this total."]
        return self.result(
            band=None,
            points=points,
            probability=None,
            items=items,
            extras={
                "change_since_previous": None if previous is None else points - previous,
                "max_points": max_points,
            },
            unverified=("items",),
            warnings=warnings,
        )

    def example_input(self) -> dict[str, Any]:
        example: dict[str, Any] = dict.fromkeys(ITEM_NAMES, 1)
        example.update(
            {
                "sex": "male",
                "emotional_identification_with_children": None,
                "hostility_toward_women": 0,
                "sex_as_coping": 2,
                "previous_total": 14,
            }
        )
        return example
