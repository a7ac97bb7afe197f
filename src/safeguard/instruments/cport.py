"""CPORT: the seven-item Child Pornography Offender Risk Tool, with the CASIC count shown beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.fields import Field
from safeguard.instruments.result import FieldError, Result

SOURCE = (
    "Seto & Eke, Child Pornography Offender Risk Tool (CPORT) and Correlates of Admission of Sexual "
    "Interest in Children (CASIC)"
)

AGE_CUT_OFF = 35
MAX_MISSING = 1

YES_NO_ITEMS = (
    (
        "prior_criminal_history",
        "Any prior criminal history",
        "True if the person has any criminal history before the index offence.",
    ),
    (
        "any_contact_sexual_offending",
        "Any contact sexual offending",
        "True if the person has committed any contact sexual offence, prior or as part of the index offence.",
    ),
    (
        "failure_on_conditional_release",
        "Any failure on conditional release",
        "True if the person has ever failed on a conditional release (for example bail, probation, "
        "licence or parole).",
    ),
    (
        "sexual_interest_in_children",
        "Indication of sexual interest in children",
        "True if there is an indication of sexual interest in child sexual abuse material or in "
        "prepubescent or pubescent children (for example an admission or a clinical assessment).",
    ),
    (
        "more_boy_than_girl_abuse_material",
        "More boy than girl content in the abuse material",
        "True if the child sexual abuse material held shows more boys than girls.",
    ),
    (
        "more_boy_than_girl_other_depictions",
        "More boy than girl content in other child depictions",
        "True if other depictions of children held (not abuse material) show more boys than girls.",
    ),
)
CPORT_ITEMS = ("age_at_investigation", *(name for name, _, _ in YES_NO_ITEMS))
# Yes/no items that can also be answered with a count (1 or more is yes): what is counted.
COUNTED = {
    "prior_criminal_history": "the number of prior offences",
    "any_contact_sexual_offending": "the number of contact sexual offences",
    "failure_on_conditional_release": "the number of failures",
}

CASIC_ITEMS = (
    ("casic_never_married", "CASIC: never married", "True if the person has never been married."),
    (
        "casic_material_included_videos",
        "CASIC: material included videos",
        "True if the child sexual abuse material included videos.",
    ),
    (
        "casic_material_included_stories",
        "CASIC: material included stories about children",
        "True if the material included written stories about children.",
    ),
    (
        "casic_interest_spanned_2_years",
        "CASIC: interest spanned two years or more",
        "True if the interest in the material spanned two or more years.",
    ),
    (
        "casic_volunteered_with_child_access",
        "CASIC: volunteered in a role with high access to children",
        "True if the person volunteered in a role giving a lot of access to children.",
    ),
    (
        "casic_online_sexual_communication_with_minor",
        "CASIC: online sexual communication with a minor",
        "True if the person had online sexual communication with a minor, or with an officer posing as one.",
    ),
)


def _age(age: int | None) -> tuple[int, str]:
    if age is None:
        return 0, "age not known: scored 0 (one missing item is allowed)"
    if age <= AGE_CUT_OFF:
        return 1, f"aged {age} at the index investigation: 1 point ({AGE_CUT_OFF} or under scores 1)"
    return 0, f"aged {age} at the index investigation: 0 points (over {AGE_CUT_OFF})"


def _yes_no(title: str) -> Any:
    def score(answer: bool | None) -> tuple[int, str]:
        if answer is None:
            return 0, f"{title}: not known, scored 0 (one missing item is allowed)"
        return (1, f"{title}: yes, 1 point") if answer else (0, f"{title}: no, 0 points")

    return score


class Cport(Instrument):
    meta = InstrumentMetadata(
        id="cport",
        name="CPORT (Child Pornography Offender Risk Tool)",
        model_version="cport-1",
        thresholds_version="none",
        source=SOURCE,
        tables=(
            TableInfo("items", "the seven items", "verified", "Seto & Eke CPORT publications", SOURCE, "1"),
            TableInfo(
                "scoring",
                "0/1 scoring summed 0-7 and the age cut-off of 35",
                "candidate",
                "not confirmed by any source reachable here",
                SOURCE,
                "1",
            ),
            TableInfo(
                "casic",
                "the six CASIC items (shown as a count only)",
                "verified",
                "Seto & Eke CASIC publications",
                SOURCE,
                "1",
            ),
        ),
        population=(
            "Adult men convicted of child sexual exploitation material (image) offences; "
            "five-year fixed follow-up."
        ),
        not_for=(
            "women (not applicable)",
            "people under 18 at the index investigation (not applicable)",
            "people with more than one item missing (refused)",
            "naming a risk category: CPORT has no nominal categories here, and per-score rates are "
            "not available",
        ),
        reassessment_months=None,
        reassessment_note="Scored once from the index investigation; rescore after a new offence.",
        bands=(),
        points_range=(0, 7),
        gives_probability=False,
        known_limits=(
            "AUC .70 to .74 in the validation samples.",
            "The CASIC count is shown on its own: the threshold at which it would score the "
            "sexual-interest item is not verified.",
        ),
        extra_keys=("missing_items", "casic_count", "casic_answered"),
        item_titles=tuple(
            (name, title)
            for name, title in (
                ("age_at_investigation", "Age at index investigation"),
                *((n, t) for n, t, _ in YES_NO_ITEMS),
            )
        ),
    )
    input_fields = (
        Field(
            "sex",
            "choice",
            "Sex",
            "Optional. CPORT is for men; for a woman the result is 'not applicable'.",
            required=False,
            nullable=True,
            choices=("male", "female"),
        ),
        Field(
            "age_at_investigation",
            "integer",
            "Age at index investigation",
            "Age in whole years when the index offence was investigated. Null if not known "
            "(at most one CPORT item may be missing).",
            required=False,
            nullable=True,
            minimum=0,
            maximum=120,
        ),
        *(
            Field(
                name,
                "boolean",
                title,
                (f"{text[:-1]} (or give {COUNTED[name]})." if name in COUNTED else text)
                + " Null if not known (at most one CPORT item may be missing).",
                required=False,
                nullable=True,
                minimum=0 if name in COUNTED else None,
                maximum=999 if name in COUNTED else None,
                yes_no_or_count=name in COUNTED,
            )
            for name, title, text in YES_NO_ITEMS
        ),
        *(
            Field(name, "boolean", title, f"Optional. {text}", required=False, nullable=True)
            for name, title, text in CASIC_ITEMS
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        # Each item as [count rules, yes/no rules], picked by `answer.__class__ is bool`: true == 1 as
        # a dict key, so one cache would show a count of 1 as "true". Items without counts share one.
        age = ItemRule("age_at_investigation", _age)
        self._rules = (
            (age, age),
            *(
                ItemRule.yes_no_or_count(name, _yes_no(title))
                if name in COUNTED
                else (ItemRule(name, _yes_no(title)),) * 2
                for name, title, _ in YES_NO_ITEMS
            ),
        )

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        invalid = {error.field for error in errors}
        missing = [name for name in CPORT_ITEMS if values[name] is None and name not in invalid]
        if len(missing) > MAX_MISSING:
            for name in missing:
                errors.append(
                    FieldError(
                        name,
                        "too_many_missing",
                        f"{name} is missing; CPORT is not scored with more than {MAX_MISSING} missing item "
                        f"(missing: {', '.join(missing)})",
                    )
                )
        if errors:
            return self.error_result(errors)
        casic_answers = [values[name] for name, _, _ in CASIC_ITEMS if values[name] is not None]
        extras = {
            "missing_items": tuple(missing),
            "casic_count": sum(casic_answers) if casic_answers else None,
            "casic_answered": len(casic_answers),
        }
        if values["sex"] == "female":
            return self.not_applicable("CPORT is for men; it is not scored for a woman.", extras=extras)
        age = values["age_at_investigation"]
        if age is not None and age < 18:
            return self.not_applicable(
                f"The person was {age} at the index investigation; CPORT is for adults.", extras=extras
            )
        items = tuple(
            rules[values[name].__class__ is bool][values[name]]
            for rules, name in zip(self._rules, CPORT_ITEMS, strict=True)
        )
        points = sum(item.points or 0 for item in items)
        warnings = []
        if missing:
            warnings.append(f"{missing[0]} is missing and scored 0: the true total may be one point higher.")
        return self.result(
            band=None,
            points=points,
            probability=None,
            items=items,
            extras=extras,
            unverified=("scoring",),
            warnings=warnings,
        )

    def example_input(self) -> dict[str, Any]:
        return {
            "sex": "male",
            "age_at_investigation": 29,
            "prior_criminal_history": False,
            "any_contact_sexual_offending": False,
            "failure_on_conditional_release": False,
            "sexual_interest_in_children": True,
            "more_boy_than_girl_abuse_material": False,
            "more_boy_than_girl_other_depictions": None,
            "casic_never_married": True,
            "casic_material_included_videos": True,
            "casic_material_included_stories": False,
            "casic_interest_spanned_2_years": None,
            "casic_volunteered_with_child_access": False,
            "casic_online_sexual_communication_with_minor": False,
        }
