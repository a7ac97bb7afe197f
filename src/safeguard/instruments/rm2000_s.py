"""Risk Matrix 2000 sexual scale (RM2000/S): a two-step actuarial category after a sexual conviction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeguard.calendar.ages import whole_years
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.fields import Field, after_assessment_date
from safeguard.instruments.result import FieldError, ItemExplanation, Result

SOURCE = "Risk Matrix 2000, as summarised in SAARNA publications; the scoring guide has not been checked"

CATEGORIES = ("low", "medium", "high", "very_high")
FACTORS = ("male_victim", "stranger_victim", "never_married", "non_contact_sexual_offence")


def step1_category(points: int) -> str:
    if points >= 5:
        return "very_high"
    if points >= 3:
        return "high"
    if points >= 1:
        return "medium"
    return "low"


def categories_raised(factors: int) -> int:
    """Two or three aggravating factors raise the category one step; all four raise it two."""
    if factors >= 4:
        return 2
    if factors >= 2:
        return 1
    return 0


def final_category(step1: str, factors: int) -> str:
    return CATEGORIES[min(len(CATEGORIES) - 1, CATEGORIES.index(step1) + categories_raised(factors))]


def _age_item(age: int) -> tuple[int, str]:
    if age >= 35:
        return 0, f"aged {age} at assessment: 0 points (35 or over)"
    if age >= 25:
        return 1, f"aged {age} at assessment: 1 point (25 to 34)"
    return 2, f"aged {age} at assessment: 2 points (18 to 24)"


def _sexual_appearances(count: int) -> tuple[int, str]:
    points = 3 if count >= 5 else 2 if count >= 3 else 1 if count == 2 else 0
    return (
        points,
        f"{count} court appearance(s) for sexual offences: {points} point(s) (1 gives 0, 2 gives 1, "
        "3-4 give 2, 5+ give 3)",
    )


def _criminal_appearances(count: int) -> tuple[int, str]:
    points = 1 if count >= 5 else 0
    return points, f"{count} court appearance(s) for any offence: {points} point(s) (5 or more give 1)"


def _factor(label: str) -> Any:
    def score(answer: bool) -> tuple[None, str]:
        return None, (
            f"{label}: counts as an aggravating factor"
            if answer
            else f"no {label}: not an aggravating factor"
        )

    return score


DATE_OF_BIRTH = Field("date_of_birth", "date", "Date of birth", "The person's date of birth.", past_event=True)


class Rm2000S(Instrument):
    meta = InstrumentMetadata(
        id="rm2000-s",
        name="Risk Matrix 2000 - sexual (RM2000/S)",
        model_version="rm2000-s-2000",
        thresholds_version="rm2000-s-candidate-1",
        source=SOURCE,
        tables=(
            TableInfo(
                "step1",
                "step 1 points and categories",
                "candidate",
                "not confirmed by any source reachable here; scoring guide not checked",
                SOURCE,
                "2000",
            ),
            TableInfo(
                "step2",
                "step 2 aggravating factors (2 or 3 raise one category, 4 raise two)",
                "secondary",
                "secondary sources; the rule for exactly 3 factors is candidate",
                SOURCE,
                "2000",
            ),
        ),
        population="Men aged 18 or over convicted of a sexual offence committed after age 16; usable for "
        "people convicted only of indecent-image offences.",
        not_for=(
            "women (not applicable)",
            "people under 18 at assessment (not applicable)",
            "violent or combined risk (RM2000/V and RM2000/C are not available: their items are "
            "not verified)",
        ),
        reassessment_months=None,
        reassessment_note="A static scale: rescore after a new conviction or when the age band changes.",
        bands=("low", "medium", "high", "very_high", "not_applicable"),
        points_range=(0, 6),
        gives_probability=False,
        known_limits=(
            "The whole instrument is unverified here until the scoring guide is checked.",
            "The 'offence committed after age 16' condition is not checked: confirm it before scoring.",
        ),
        extra_keys=("step1_points", "step1_band", "aggravating_factors", "categories_raised"),
        item_titles=(
            ("age_at_assessment", "Age at assessment"),
            ("sexual_appearances", "Sexual appearances"),
            ("criminal_appearances", "Criminal appearances"),
            ("male_victim", "Male victim"),
            ("stranger_victim", "Stranger victim"),
            ("never_married", "Single (never married)"),
            ("non_contact_sexual_offence", "Non-contact sexual offence"),
        ),
    )
    input_fields = (
        Field(
            "sex",
            "choice",
            "Sex",
            "Optional. RM2000 is for men; for a woman the result is 'not applicable'.",
            required=False,
            nullable=True,
            choices=("male", "female"),
        ),
        DATE_OF_BIRTH,
        Field(
            "assessment_date",
            "date",
            "Assessment date",
            "The date of assessment (usually the expected release date). Defaults to today when left out.",
            required=False,
            nullable=True,
        ),
        Field(
            "sexual_appearances",
            "integer",
            "Court appearances for sexual offences",
            "Number of separate court appearances at which the person was sentenced for a sexual offence, "
            "including the current one (at least 1).",
            minimum=1,
            maximum=999,
        ),
        Field(
            "criminal_appearances",
            "integer",
            "Court appearances for any offence",
            "Number of separate court appearances at which the person was sentenced for any criminal "
            "offence, sexual or not, including the current one.",
            minimum=0,
            maximum=999,
        ),
        Field(
            "male_victim",
            "boolean",
            "Any male victim",
            "True if any sexual offence involved a male victim (or give the number of male victims).",
            minimum=0,
            maximum=999,
            yes_no_or_count=True,
        ),
        Field(
            "stranger_victim",
            "boolean",
            "Any stranger victim",
            "True if any sexual offence involved a victim who was a stranger to the person (or give the "
            "number of such victims).",
            minimum=0,
            maximum=999,
            yes_no_or_count=True,
        ),
        Field(
            "never_married",
            "boolean",
            "Single (never married)",
            "True if the person has never been married (the scale's 'single' factor).",
        ),
        Field(
            "non_contact_sexual_offence",
            "boolean",
            "Any non-contact sexual offence",
            "True if the person has a conviction for a non-contact sexual offence (for example exposure), "
            "or give the number of such convictions.",
            minimum=0,
            maximum=999,
            yes_no_or_count=True,
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self._age = ItemRule("age_at_assessment", _age_item)
        self._sexual = ItemRule("sexual_appearances", _sexual_appearances)
        self._criminal = ItemRule("criminal_appearances", _criminal_appearances)
        # [0] explains a count, [1] true/false: never_married is yes/no only, so it never takes [0].
        self._factors = tuple(
            ItemRule.yes_no_or_count(name, _factor(name.replace("_", " "))) for name in FACTORS
        )

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        dob = values["date_of_birth"]
        assessment = values["assessment_date"] or ctx.today
        if dob is not None and assessment < dob and values["assessment_date"] is None:
            # No assessment date given: it is today's, and a birth cannot be after it.
            errors.append(after_assessment_date(DATE_OF_BIRTH, dob, assessment))
        elif dob is not None and assessment < dob:
            errors.append(
                FieldError(
                    "assessment_date",
                    "before_date_of_birth",
                    f"assessment_date ({assessment}) is before date_of_birth ({dob})",
                )
            )
        if errors:
            return self.error_result(errors)
        if values["sex"] == "female":
            return self.not_applicable("RM2000 is for men; it is not scored for a woman.")
        age = whole_years(dob, assessment)
        if age < 18:
            return self.not_applicable(f"The person is {age}, under 18 at assessment.")
        step1_items: tuple[ItemExplanation, ...] = (
            self._age.explain(age),
            self._sexual.explain(values["sexual_appearances"]),
            self._criminal.explain(values["criminal_appearances"]),
        )
        step1 = sum(item.points or 0 for item in step1_items)
        factor_items = tuple(
            rules[values[name].__class__ is bool][values[name]]
            for rules, name in zip(self._factors, FACTORS, strict=True)
        )
        factors = sum(1 for name in FACTORS if values[name])
        first = step1_category(step1)
        band = final_category(first, factors)
        warnings = []
        if values["assessment_date"] is None:
            warnings.append(f"assessment_date not given: age counted as at {assessment.isoformat()}.")
        return self.result(
            band=band,
            points=step1,
            probability=None,
            items=step1_items + factor_items,
            extras={
                "step1_points": step1,
                "step1_band": first,
                "aggravating_factors": factors,
                "categories_raised": CATEGORIES.index(band) - CATEGORIES.index(first),
            },
            unverified=("step1", "step2"),
            warnings=warnings,
        )

    def example_input(self) -> dict[str, Any]:
        return {
            "sex": "male",
            "date_of_birth": "1990-05-20",
            "assessment_date": "2026-11-01",
            "sexual_appearances": 2,
            "criminal_appearances": 6,
            "male_victim": False,
            "stranger_victim": True,
            "never_married": True,
            "non_contact_sexual_offence": False,
        }
