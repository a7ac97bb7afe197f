"""Static-99R: the ten-item actuarial scale for adult men convicted of or charged with a sexual offence."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

from safeguard.calendar.ages import whole_years
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo
from safeguard.instruments.fields import MISSING, Field, after_assessment_date
from safeguard.instruments.result import ExtraValue, FieldError, ItemExplanation, Result

SOURCE = (
    "Static-99R coding rules, revised 2016, Public Safety Canada and SAARNA publications; levels and "
    "percentile ranks from the 2016 evaluators' workbook"
)

# (lowest total, band, level) for the 2016 risk levels.
LEVELS = (
    (6, "well_above_average", "IVb"),
    (4, "above_average", "IVa"),
    (1, "average", "III"),
    (-1, "below_average", "II"),
    (-3, "very_low", "I"),
)
PERCENTILE_RANKS = {-3: 1.3, -2: 4.2, -1: 9.7, 0: 18.7, 1: 31.7}
MIN_POINTS, MAX_POINTS = -3, 12
ADULT_AGE = 18
UNVERIFIED_PRIOR = ("prior_sex_offences",)
CHARGE_ROWS = ((6, 3), (3, 2), (1, 1), (0, 0))
CONVICTION_ROWS = ((4, 3), (2, 2), (1, 1), (0, 0))


def level_for_points(points: int) -> tuple[str, str]:
    for lower, band, level in LEVELS:
        if points >= lower:
            return band, level
    raise ValueError(f"Static-99R totals run from -3 to 12, got {points}")


def _row(count: int, rows: tuple[tuple[int, int], ...]) -> int:
    for lower, row in rows:
        if count >= lower:
            return row
    return 0


def age_points(age: float) -> tuple[int, str]:
    if age >= 60:
        return -3, "-3 (aged 60 or over)"
    if age >= 40:
        return -1, "-1 (aged 40 to 59.9)"
    if age >= 35:
        return 0, "0 (aged 35 to 39.9)"
    return 1, "+1 (aged 18 to 34.9)"


def _yes_no(*, scores_when: bool) -> Any:
    """An item worth 1 point for one answer: yes for most items, no for the intimate-partner item."""
    rule = "1 if yes, else 0" if scores_when else "1 if no, else 0"

    def score(answer: bool) -> tuple[int, str]:
        return (1 if answer is scores_when else 0), rule

    return score


def _yes_or_count(answer: bool | int) -> tuple[int, str]:
    """An item worth 1 point for "yes", given as true/false or as a count (1 or more is yes)."""
    if answer.__class__ is bool:
        return (1 if answer else 0), "1 if yes, else 0"
    return (1 if answer >= 1 else 0), "1 if 1 or more, else 0"


def _count_item(threshold: int) -> Any:
    rule = f"1 if {threshold} or more, else 0"

    def score(count: int) -> tuple[int, str]:
        return (1 if count >= threshold else 0), rule

    return score


FIELDS = (
    Field(
        "sex",
        "choice",
        "Sex",
        "Optional. Static-99R is for men; if the person is a woman the result is 'not applicable'.",
        required=False,
        nullable=True,
        choices=("male", "female"),
    ),
    Field(
        "date_of_birth",
        "date",
        "Date of birth",
        "The person's date of birth; with the release date it gives the age at release. "
        "Leave out if you give age_at_release instead.",
        required=False,
        nullable=True,
        past_event=True,
    ),
    Field(
        "release_date",
        "date",
        "Release date",
        "The date of release from the index sex offence: the actual date, or the expected date "
        "if the person has not yet been released. For a community sentence, the date of sentence.",
        required=False,
        nullable=True,
    ),
    Field(
        "age_at_release",
        "number",
        "Age at release (years)",
        "Alternative to the two dates: age at release from the index sex offence in years, with "
        "decimals (for example 34.5).",
        required=False,
        nullable=True,
        minimum=0,
        maximum=120,
    ),
    Field(
        "ever_lived_with_intimate_partner_2_years",
        "boolean",
        "Ever lived with an intimate partner for two years",
        "True if the person has ever lived with an intimate partner for at least two years.",
    ),
    Field(
        "index_non_sexual_violence",
        "boolean",
        "Index non-sexual violence",
        "True if the index sentencing occasion included a separate conviction for non-sexual violence "
        "(or give the number of such convictions).",
        minimum=0,
        maximum=999,
        yes_no_or_count=True,
    ),
    Field(
        "prior_non_sexual_violence",
        "boolean",
        "Prior non-sexual violence",
        "True if the person has any conviction for non-sexual violence before the index sentencing "
        "occasion (or give the number of such convictions).",
        minimum=0,
        maximum=999,
        yes_no_or_count=True,
    ),
    Field(
        "prior_sex_offence_charges",
        "integer",
        "Prior sex offence charges",
        "Number of charges for sexual offences before the index offence (not counting the index "
        "offence), as the coding rules count them.",
        minimum=0,
        maximum=999,
    ),
    Field(
        "prior_sex_offence_convictions",
        "integer",
        "Prior sex offence convictions",
        "Number of convictions for sexual offences before the index offence (not counting the "
        "index offence).",
        minimum=0,
        maximum=999,
    ),
    Field(
        "prior_sentencing_dates",
        "integer",
        "Prior sentencing dates",
        "Number of distinct occasions before the index offence on which the person was sentenced "
        "for any criminal offence.",
        minimum=0,
        maximum=999,
    ),
    Field(
        "non_contact_sex_offence_convictions",
        "integer",
        "Convictions for non-contact sex offences",
        "Any convictions for non-contact sexual offences (for example exposure or voyeurism), as the "
        "coding rules count them: the number of such convictions, or yes/no (true or false) as on the "
        "coding form.",
        minimum=0,
        maximum=999,
        yes_no_or_count=True,
    ),
    Field(
        "unrelated_victims",
        "boolean",
        "Any unrelated victims",
        "True if any victim of a sexual offence was unrelated to the person, as the coding rules define "
        "it (or give the number of such victims).",
        minimum=0,
        maximum=999,
        yes_no_or_count=True,
    ),
    Field(
        "stranger_victims",
        "boolean",
        "Any stranger victims",
        "True if any victim of a sexual offence was a stranger to the person, as the coding rules define "
        "it (or give the number of such victims).",
        minimum=0,
        maximum=999,
        yes_no_or_count=True,
    ),
    Field(
        "male_victims",
        "boolean",
        "Any male victims",
        "True if any victim of a sexual offence was male (or give the number of male victims).",
        minimum=0,
        maximum=999,
        yes_no_or_count=True,
    ),
    Field(
        "only_indecent_image_offences",
        "boolean",
        "Only indecent image offences",
        "Optional. True if the person's only sexual offences are possession or making of indecent "
        "images; Static-99R is not used then (use RM2000/S or CPORT).",
        required=False,
        nullable=True,
        default=False,
    ),
)


DATE_OF_BIRTH = next(f for f in FIELDS if f.name == "date_of_birth")


class Static99R(Instrument):
    meta = InstrumentMetadata(
        id="static-99r",
        name="Static-99R",
        model_version="2016",
        thresholds_version="2016-levels",
        source=SOURCE,
        tables=(
            TableInfo(
                "items",
                "ten items and their weights",
                "verified",
                "Static-99R coding rules (2016)",
                SOURCE,
                "2016",
            ),
            TableInfo(
                "prior_sex_offences",
                "item 5: higher row when charges and convictions fall in different rows",
                "candidate",
                "not confirmed by any source reachable here",
                SOURCE,
                "2016",
            ),
            TableInfo(
                "levels",
                "risk levels I to IVb (2016)",
                "verified",
                "Static-99R 2016 risk levels",
                SOURCE,
                "2016",
            ),
            TableInfo(
                "percentiles",
                "percentile ranks for totals -3 to 1",
                "verified",
                "2016 evaluators' workbook (other totals not available)",
                SOURCE,
                "2016",
            ),
        ),
        population=(
            "Adult men charged with or convicted of a sexual offence against a child or a "
            "non-consenting adult."
        ),
        not_for=(
            "women (not applicable)",
            "people under 18 at release (not applicable)",
            "people whose only sexual offences are indecent-image possession (use RM2000/S or CPORT)",
            "stating an individual's absolute chance of reoffending: per-score rates are not shown",
        ),
        reassessment_months=None,
        reassessment_note="A static scale: rescore only after a new sexual offence charge or conviction, "
        "a new sentencing date, or a change of release date.",
        bands=(
            "very_low",
            "below_average",
            "average",
            "above_average",
            "well_above_average",
            "not_applicable",
        ),
        points_range=(-3, 12),
        gives_probability=False,
        known_limits=(
            "Discrimination is moderate. The AUC figures .80 and .68 are not a spread across studies: "
            "in the source they come from one study, .80 where the files were complete and .68 where "
            "they were incomplete, so a score from incomplete files is less accurate.",
            "Per-score recidivism rates are not available here; only the median score 2 has reference "
            "rates (4.58% at 5 years, 7.20% at 10 years in routine samples, Lee & Hanson 2021).",
            "Percentile ranks are shown only for totals -3 to 1.",
        ),
        extra_keys=("level", "percentile_rank"),
        item_titles=(
            ("age_at_release", "Age at release"),
            ("ever_lived_with_intimate_partner_2_years", "Ever lived with an intimate partner for two years"),
            ("index_non_sexual_violence", "Index non-sexual violence"),
            ("prior_non_sexual_violence", "Prior non-sexual violence"),
            ("prior_sex_offences", "Prior sex offences"),
            ("prior_sentencing_dates", "Prior sentencing dates"),
            ("non_contact_sex_offence_convictions", "Non-contact sex offence convictions"),
            ("unrelated_victims", "Unrelated victims"),
            ("stranger_victims", "Stranger victims"),
            ("male_victims", "Male victims"),
        ),
    )
    input_fields = FIELDS
    schema_rules = (
        {
            "anyOf": [
                {"required": ["age_at_release"], "properties": {"age_at_release": {"type": "number"}}},
                {
                    "required": ["date_of_birth", "release_date"],
                    "properties": {"date_of_birth": {"type": "string"}, "release_date": {"type": "string"}},
                },
            ]
        },
    )

    def __init__(self) -> None:
        super().__init__()
        self._partner = ItemRule("ever_lived_with_intimate_partner_2_years", _yes_no(scores_when=False))
        # Items answered yes/no or with a count: [0] explains counts, [1] true/false.
        self._index_violence = ItemRule.yes_no_or_count("index_non_sexual_violence", _yes_or_count)
        self._prior_violence = ItemRule.yes_no_or_count("prior_non_sexual_violence", _yes_or_count)
        self._sentencing = ItemRule("prior_sentencing_dates", _count_item(4))
        self._non_contact = ItemRule.yes_no_or_count("non_contact_sex_offence_convictions", _yes_or_count)
        self._unrelated = ItemRule.yes_no_or_count("unrelated_victims", _yes_or_count)
        self._stranger = ItemRule.yes_no_or_count("stranger_victims", _yes_or_count)
        self._male = ItemRule.yes_no_or_count("male_victims", _yes_or_count)
        # Ages are whole years, or two decimals when given so: few distinct explanations.
        self._age_item = ItemRule("age_at_release", age_points, cache_limit=20_000)
        self._prior: dict[tuple[int, int], tuple[ItemExplanation, bool]] = {}
        self._extras: dict[int, Mapping[str, ExtraValue]] = {
            points: MappingProxyType(
                {"level": level_for_points(points)[1], "percentile_rank": PERCENTILE_RANKS.get(points)}
            )
            for points in range(MIN_POINTS, MAX_POINTS + 1)
        }
        self._bands = {points: level_for_points(points)[0] for points in range(MIN_POINTS, MAX_POINTS + 1)}

    @staticmethod
    def _age(
        dob: date | None, release: date | None, given: float | None, errors: list[FieldError]
    ) -> float | int | None:
        """Age at release from the dates or as given; adds an error and returns None when it cannot be had."""
        if dob is not None and release is not None:
            if release < dob:
                errors.append(
                    FieldError(
                        "release_date",
                        "before_date_of_birth",
                        f"release_date ({release}) is before date_of_birth ({dob})",
                    )
                )
                return None
            whole = whole_years(dob, release)
            if given is not None and math.floor(given) != whole:
                errors.append(
                    FieldError(
                        "age_at_release",
                        "inconsistent",
                        f"age_at_release ({given}) does not match the {whole} whole years between "
                        "date_of_birth "
                        "and release_date: give one or make them agree",
                    )
                )
                return None
            # From dates the whole-year age decides every cut-off (35, 40, 60), so it is what is shown.
            return float(given) if given is not None else whole

        if given is not None:
            return float(given)
        if not any(e.field in ("date_of_birth", "release_date", "age_at_release") for e in errors):
            if dob is None and release is None:
                errors.append(
                    FieldError(
                        "release_date", MISSING, "give release_date and date_of_birth, or age_at_release"
                    )
                )
            else:
                name = "date_of_birth" if dob is None else "release_date"
                errors.append(
                    FieldError(
                        name,
                        MISSING,
                        f"{name} is required to work out the age at release (or give age_at_release instead)",
                    )
                )
        return None

    def _prior_sex_offences(self, charges: int, convictions: int) -> tuple[ItemExplanation, bool]:
        """The item-5 explanation and whether the unverified higher-row rule decided it."""
        key = (charges, convictions)
        cached = self._prior.get(key)
        if cached is None:
            by_charges, by_convictions = _row(charges, CHARGE_ROWS), _row(convictions, CONVICTION_ROWS)
            points = max(by_charges, by_convictions)
            unit = "point" if points == 1 else "points"
            rule = f"{points} {unit} (charges give row {by_charges}, convictions row {by_convictions}"
            rule += "; the higher row counts, never the sum)" if by_charges != by_convictions else ")"
            answer = f"charges {charges}, convictions {convictions}"
            cached = (
                ItemExplanation("prior_sex_offences", answer, points, rule),
                by_charges != by_convictions,
            )
            if len(self._prior) < 4096:
                self._prior[key] = cached
        return cached

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        raw = self.fieldset.read_tuple(data, errors)
        (
            sex,
            dob,
            release,
            given_age,
            partner,
            index_violence,
            prior_violence,
            charges,
            convictions,
            sentencing,
            non_contact,
            unrelated,
            stranger,
            male,
            only_images,
        ) = raw
        if dob is not None and dob > ctx.today:
            # No assessment date is asked: the date of scoring (the assessment's own date when
            # an assessment is recorded) is the date a birth cannot follow.
            errors.append(after_assessment_date(DATE_OF_BIRTH, dob, ctx.today))
        if dob is not None and release is not None and given_age is None and release >= dob:
            # The usual case, worked out inline: whole years by birthday.
            age: float | int | None = (
                release.year - dob.year - ((release.month, release.day) < (dob.month, dob.day))
            )
        else:
            age = self._age(dob, release, given_age, errors)
        if errors:
            return self.error_result(errors)
        if sex == "female":
            return self.not_applicable("Static-99R is for men; it is not scored for a woman.")
        if age is None:
            raise RuntimeError("age at release was accepted without a value")
        shown_age = age if age.__class__ is int else math.floor(age * 100) / 100
        if age < ADULT_AGE:
            return self.not_applicable(f"The person was under 18 at release (age {shown_age}).")
        if only_images:
            return self.not_applicable(
                "The only sexual offences are indecent-image offences: use RM2000/S or CPORT."
            )
        prior, rows_differ = self._prior_sex_offences(charges, convictions)
        # Each rule is a self-filling dict from answer to explanation: one lookup per item.
        items = (
            self._age_item[shown_age],
            self._partner[partner],
            self._index_violence[index_violence.__class__ is bool][index_violence],
            self._prior_violence[prior_violence.__class__ is bool][prior_violence],
            prior,
            self._sentencing[sentencing],
            self._non_contact[non_contact.__class__ is bool][non_contact],
            self._unrelated[unrelated.__class__ is bool][unrelated],
            self._stranger[stranger.__class__ is bool][stranger],
            self._male[male.__class__ is bool][male],
        )
        points = 0
        for item in items:
            points += item.points  # type: ignore[operator]  # every Static-99R item has points
        warnings: tuple[str, ...] = ()
        if convictions > charges:
            warnings = (
                f"prior_sex_offence_convictions ({convictions}) exceeds prior_sex_offence_charges "
                f"({charges}): a conviction normally follows a charge, so check the coding.",
            )
        return self.scored(
            self._bands[points],
            points,
            None,
            items,
            self._extras[points],
            warnings,
            head_key=points,
            unverified=UNVERIFIED_PRIOR if rows_differ else (),
        )

    def example_input(self) -> dict[str, Any]:
        return {
            "sex": "male",
            "date_of_birth": "1985-03-14",
            "release_date": "2027-06-30",
            "ever_lived_with_intimate_partner_2_years": True,
            "index_non_sexual_violence": False,
            "prior_non_sexual_violence": True,
            "prior_sex_offence_charges": 2,
            "prior_sex_offence_convictions": 1,
            "prior_sentencing_dates": 3,
            "non_contact_sex_offence_convictions": 0,
            "unrelated_victims": True,
            "stranger_victims": False,
            "male_victims": False,
        }
