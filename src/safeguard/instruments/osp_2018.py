"""OSP/C and OSP/I, 2018 generation: kept to re-score historical records; probabilities only, no bands.

The coefficients, the first-match rules and the rule for women are read in the Ministry of Justice's
RSR calculator (RSR_CALCULATOR_SOURCE), not in the HMPPS risk-actuarial service, which implements
only the later generation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from safeguard.calendar.ages import whole_years
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.fields import MISSING, Field, check_past_events, long_date
from safeguard.instruments.osp_common import OSP_FIELDS, SEXUAL_COUNTS
from safeguard.instruments.result import FieldError, ItemExplanation, Result

RSR_CALCULATOR_SOURCE = (
    "Ministry of Justice RSR calculator (github.com/noms-digital-studio/rsr-calculator, commit 4519bbb, "
    "October 2018): lib/calculateOSPStaticScore.js, lib/calculateOffenderSexualProbability.js and "
    "lib/calculateIndecentImageProbability.js"
)
# OSP/C only: the calculator gives a woman with a sexual history 1/193 for contact offending, and
# 0 for images (calculateIndecentImageProbability returns 0 for anyone but a man with a sexual history).
FEMALE_PROBABILITY = 1 / 193
FEMALE_IMAGES_PROBABILITY = 0.0
C_SLOPE = 0.2545385404
C_INTERCEPT_YEAR_1 = -8.817398615
C_INTERCEPT_YEAR_2 = -8.216503478

# OSP/I first-match rules: (description, year-1, year-2).
I_RULES = (
    ("no sexual offences", 0.000098, 0.000152),
    ("2 or more indecent image sanctions", 0.038087, 0.057949),
    ("1 indecent image sanction", 0.018237, 0.028050),
    ("2 or more contact child sexual sanctions", 0.004615, 0.007151),
    ("1 contact child sexual sanction", 0.002240, 0.003476),
    ("none of the above", 0.000683, 0.001061),
)
SENTENCE_AGE_POINTS = ((60, 0), (54, 1), (48, 2), (42, 3), (36, 4), (30, 5), (24, 6), (10, 7))
MINIMUM_SENTENCE_AGE = 10

_SHARED = {f.name: f for f in OSP_FIELDS}
SENTENCE_DATE = Field(
    "sentence_date",
    "date",
    "Sentence date",
    "Date of sentence for the current offence; gives the age at sentence. Required for OSP/C for a man "
    "with a sexual history.",
    required=False,
    nullable=True,
    past_event=True,
)
SEX_2018 = Field(
    "sex",
    "choice",
    "Sex",
    "The person's sex as recorded for risk assessment. The 2018 predictors were built on men; for a "
    "woman with a sexual history OSP/C gives the fixed probability 1/193 and OSP/I gives 0.",
    choices=("male", "female"),
)
FIELDS_2018 = (
    SEX_2018,
    *(
        _SHARED[name]
        for name in (
            "has_ever_committed_sexual_offence",
            "date_of_birth",
            *SEXUAL_COUNTS,
            "total_sanctions",
            "date_of_most_recent_sexual_offence",
            "current_offence_against_stranger",
        )
    ),
    SENTENCE_DATE,
)


_PAST_EVENTS = tuple(f for f in FIELDS_2018 if f.past_event)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def osp_c_probabilities(points: int) -> tuple[float, float]:
    return (logistic(C_INTERCEPT_YEAR_1 + C_SLOPE * points), logistic(C_INTERCEPT_YEAR_2 + C_SLOPE * points))


def _stepped(noun: str, weights: tuple[int, int, int, int]) -> Any:
    def score(count: int) -> tuple[int, str]:
        points = weights[min(count, 3)]
        return points, f"{count} {noun}: {points} points ({'/'.join(map(str, weights))} for 0/1/2/3+)"

    return score


def _sentence_age(age: int) -> tuple[int, str]:
    for lower, points in SENTENCE_AGE_POINTS:
        if age >= lower:
            return points, f"aged {age} at sentence: {points} points"
    raise ValueError(f"age at sentence must be {MINIMUM_SENTENCE_AGE} or more, got {age}")


def _offence_age(age: int) -> tuple[int, str]:
    if age > 17:
        return 5, f"aged {age} at the most recent sexual offence: 5 points (over 17)"
    if age >= 16:
        return 3, f"aged {age} at the most recent sexual offence: 3 points (16 or 17)"
    return 0, f"aged {age} at the most recent sexual offence: 0 points (under 16)"


def _required_for_men_with_history(needs: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    kinds = {f.name: f.kind for f in FIELDS_2018}
    return (
        {
            "if": {
                "properties": {
                    "sex": {"const": "male"},
                    "has_ever_committed_sexual_offence": {"const": True},
                },
                "required": ["sex", "has_ever_committed_sexual_offence"],
            },
            "then": {
                "required": list(needs),
                "properties": {n: {"type": "integer" if kinds[n] == "integer" else "string"} for n in needs},
            },
        },
    )


class _Osp2018(Instrument):
    input_fields = FIELDS_2018
    needs: tuple[str, ...] = ()

    def _check(
        self, values: dict[str, Any], errors: list[FieldError], today: date
    ) -> tuple[bool, str | None]:
        sex, history = values["sex"], values["has_ever_committed_sexual_offence"]
        male_history = sex == "male" and history is True
        if male_history:
            for name in self.needs:
                if values[name] is None and not any(e.field == name for e in errors):
                    errors.append(
                        FieldError(name, MISSING, f"{name} is required for a man with a sexual history")
                    )
        counts = [values[name] for name in SEXUAL_COUNTS]
        if history is False:
            errors.extend(
                FieldError(
                    name, "inconsistent", f"{name} is {count} but has_ever_committed_sexual_offence is false"
                )
                for name, count in zip(SEXUAL_COUNTS, counts, strict=True)
                if count
            )
        known = [c for c in counts if c is not None]
        if values["total_sanctions"] is not None and sum(known) > values["total_sanctions"]:
            errors.append(
                FieldError(
                    "total_sanctions",
                    "sexual_sanctions_exceed_total",
                    f"total_sanctions ({values['total_sanctions']}) is less than the sum of the "
                    f"sexual counts ({sum(known)})",
                )
            )
        dob = values["date_of_birth"]
        if dob is not None:
            for name in ("date_of_most_recent_sexual_offence", "sentence_date"):
                if values[name] is not None and values[name] < dob:
                    errors.append(
                        FieldError(
                            name,
                            "before_date_of_birth",
                            f"{name} ({values[name]}) is before date_of_birth ({dob})",
                        )
                    )
        # Historical records have no assessment date: the date of scoring is the latest a birth, an
        # offence or a sentence can be.
        check_past_events(_PAST_EVENTS, values, today, errors)
        last, sentenced = values["date_of_most_recent_sexual_offence"], values["sentence_date"]
        if last is not None and sentenced is not None and last > sentenced:
            errors.append(
                FieldError(
                    "date_of_most_recent_sexual_offence",
                    "after_sentence_date",
                    f"Date of most recent sexual offence ({long_date(last)}) is after the sentence date "
                    f"({long_date(sentenced)}): the offences counted come before the sentence",
                )
            )
        if history is False:
            return False, "The person has no sexual offending history, so OSP does not apply."
        return male_history, None

    def _female(self) -> Result:
        """OSP/C's fixed probability for a woman with a sexual history (OSP/I overrides this)."""
        return self.result(
            band=None,
            points=None,
            probability=FEMALE_PROBABILITY,
            items=(
                ItemExplanation("sex", "female", None, "a woman with a sexual history: 1/193 in both years"),
            ),
            extras={"probability_year_1": FEMALE_PROBABILITY, "probability_year_2": FEMALE_PROBABILITY},
        )


_META_COMMON: dict[str, Any] = {
    "source": RSR_CALCULATOR_SOURCE,
    "population": "Men with a sexual offending history assessed by HMPPS under the 2018 OSP generation.",
    "reassessment_months": None,
    "reassessment_note": "Historical generation: use only to reproduce or compare past assessments.",
    "bands": ("not_applicable",),
    "gives_probability": True,
    "extra_keys": ("probability_year_1", "probability_year_2"),
}


class OspC2018(_Osp2018):
    needs = (
        "date_of_birth",
        *SEXUAL_COUNTS,
        "total_sanctions",
        "date_of_most_recent_sexual_offence",
        "sentence_date",
    )
    schema_rules = _required_for_men_with_history(needs)
    meta = InstrumentMetadata(
        id="osp-c-2018",
        name="OSP/C (contact sexual reoffending), 2018 generation",
        model_version="osp-c-2018",
        thresholds_version="none",
        tables=(
            TableInfo(
                "points",
                "points, year-1 and year-2 logistic curves; 1/193 for a woman with a sexual history",
                "verified",
                "RSR calculator (Ministry of Justice open-source code, 2018)",
                RSR_CALCULATOR_SOURCE,
                "2018",
            ),
        ),
        not_for=("current assessments (use OSP/DC)", "showing a band: no official bands were found"),
        points_range=(0, 32),
        known_limits=(
            "Probabilities only: no official bands for this generation.",
            "'Any previous sanctions' is read as total_sanctions of 2 or more (the current "
            "sanction plus one).",
        ),
        item_titles=(
            ("contact_adult_sexual_sanctions", "Contact adult sexual sanctions"),
            ("contact_child_sexual_sanctions", "Contact child sexual sanctions"),
            ("non_contact_sexual_offences", "Non-contact sexual offences"),
            ("previous_sanctions", "Any previous sanctions"),
            ("current_offence_against_stranger", "Current offence against a stranger"),
            ("age_at_most_recent_sexual_offence", "Age at most recent sexual offence"),
            ("age_at_sentence", "Age at sentence"),
        ),
        **_META_COMMON,
    )
    input_fields = FIELDS_2018

    def __init__(self) -> None:
        super().__init__()
        self._rules = {
            "adult": ItemRule(
                "contact_adult_sexual_sanctions", _stepped("contact adult sexual sanction(s)", (0, 3, 5, 8))
            ),
            "child": ItemRule(
                "contact_child_sexual_sanctions", _stepped("contact child sexual sanction(s)", (0, 2, 3, 4))
            ),
            "non_contact": ItemRule(
                "non_contact_sexual_offences",
                lambda n: (min(3, n), f"{n} non-contact sexual offence(s): {min(3, n)} points (at most 3)"),
            ),
            "previous": ItemRule(
                "previous_sanctions",
                lambda total: (
                    (3, f"{total} sanctions in all, so previous sanctions: 3 points")
                    if total >= 2
                    else (0, "no previous sanctions: 0 points")
                ),
            ),
            "stranger": ItemRule(
                "current_offence_against_stranger",
                lambda s: (
                    (2, "current offence against a stranger: 2 points")
                    if s
                    else (0, "current offence not against a stranger (or not known): 0 points")
                ),
            ),
            "offence_age": ItemRule("age_at_most_recent_sexual_offence", _offence_age),
            "sentence_age": ItemRule("age_at_sentence", _sentence_age),
        }

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        applicable, reason = self._check(values, errors, ctx.today)
        sentence_age = offence_age = None
        dob = values["date_of_birth"]
        if applicable and dob is not None and values["sentence_date"] is not None:
            sentence_age = whole_years(dob, values["sentence_date"])
            if sentence_age < MINIMUM_SENTENCE_AGE:
                errors.append(
                    FieldError(
                        "sentence_date",
                        "age_out_of_range",
                        f"the person would be {sentence_age} at sentence; OSP/C needs "
                        f"{MINIMUM_SENTENCE_AGE} or over",
                    )
                )
        if applicable and dob is not None and values["date_of_most_recent_sexual_offence"] is not None:
            offence_age = whole_years(dob, values["date_of_most_recent_sexual_offence"])
        if errors:
            return self.error_result(errors)
        if values["sex"] == "female" and values["has_ever_committed_sexual_offence"]:
            return self._female()
        if not applicable or sentence_age is None or offence_age is None:
            return self.not_applicable(
                reason or "OSP/C applies only to men with a sexual history.", probability=0.0
            )
        r = self._rules
        items = (
            r["adult"].explain(values["contact_adult_sexual_sanctions"]),
            r["child"].explain(values["contact_child_sexual_sanctions"]),
            r["non_contact"].explain(values["non_contact_sexual_offences"]),
            r["previous"].explain(values["total_sanctions"]),
            r["stranger"].explain(bool(values["current_offence_against_stranger"])),
            r["offence_age"].explain(offence_age),
            r["sentence_age"].explain(sentence_age),
        )
        points = sum(item.points or 0 for item in items)
        year_1, year_2 = osp_c_probabilities(points)
        return self.result(
            band=None,
            points=points,
            probability=year_2,
            items=items,
            extras={"probability_year_1": year_1, "probability_year_2": year_2},
        )

    def example_input(self) -> dict[str, Any]:
        return {
            "sex": "male",
            "has_ever_committed_sexual_offence": True,
            "date_of_birth": "1970-02-01",
            "contact_adult_sexual_sanctions": 0,
            "contact_child_sexual_sanctions": 1,
            "non_contact_sexual_offences": 0,
            "indecent_image_sanctions": 0,
            "total_sanctions": 3,
            "date_of_most_recent_sexual_offence": "2016-05-01",
            "current_offence_against_stranger": False,
            "sentence_date": "2017-01-10",
        }


class OspI2018(_Osp2018):
    needs = SEXUAL_COUNTS
    schema_rules = _required_for_men_with_history(needs)
    meta = InstrumentMetadata(
        id="osp-i-2018",
        name="OSP/I (indecent image sexual reoffending), 2018 generation",
        model_version="osp-i-2018",
        thresholds_version="none",
        tables=(
            TableInfo(
                "rules",
                "first-match rules with year-1 and year-2 probabilities; 0 for a woman",
                "verified",
                "RSR calculator (Ministry of Justice open-source code, 2018)",
                RSR_CALCULATOR_SOURCE,
                "2018",
            ),
        ),
        not_for=("current assessments (use OSP/IIC)", "showing a band: no official bands were found"),
        points_range=None,
        known_limits=(
            "Probabilities only: no official bands for this generation.",
            "A woman with a sexual history gets 0 (not scored): the source model has no images rule for women.",
        ),
        **_META_COMMON,
    )

    def _female(self) -> Result:
        return self.not_applicable(
            "OSP/I was built on men: the source model gives a woman with a sexual history 0 in both years.",
            probability=FEMALE_IMAGES_PROBABILITY,
            items=(ItemExplanation("sex", "female", None, "a woman with a sexual history: 0 in both years"),),
            extras={
                "probability_year_1": FEMALE_IMAGES_PROBABILITY,
                "probability_year_2": FEMALE_IMAGES_PROBABILITY,
            },
        )

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        applicable, reason = self._check(values, errors, ctx.today)
        if errors:
            return self.error_result(errors)
        if values["sex"] == "female" and values["has_ever_committed_sexual_offence"]:
            return self._female()
        if not applicable:
            return self.not_applicable(
                reason or "OSP/I applies only to men with a sexual history.", probability=0.0
            )
        adult, child, non_contact, images = (values[name] for name in SEXUAL_COUNTS)
        if adult + child + non_contact + images == 0:
            index = 0
        elif images >= 2:
            index = 1
        elif images == 1:
            index = 2
        elif child >= 2:
            index = 3
        elif child == 1:
            index = 4
        else:
            index = 5
        rule, year_1, year_2 = I_RULES[index]
        item = ItemExplanation(
            "rule", rule, None, f"first matching rule: {rule} (year 1 {year_1:.4%}, year 2 {year_2:.4%})"
        )
        return self.result(
            band=None,
            points=None,
            probability=year_2,
            items=(item,),
            extras={"probability_year_1": year_1, "probability_year_2": year_2},
        )

    def example_input(self) -> dict[str, Any]:
        return {
            "sex": "male",
            "has_ever_committed_sexual_offence": True,
            "contact_adult_sexual_sanctions": 0,
            "contact_child_sexual_sanctions": 0,
            "non_contact_sexual_offences": 0,
            "indecent_image_sanctions": 1,
            "total_sanctions": 1,
        }
