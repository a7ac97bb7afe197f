"""Static-99R: the ten-item actuarial scale for adult men convicted of or charged with a sexual offence."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from safeguard.instruments.ages import decimal_years, whole_years
from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, ItemRule, TableInfo, explain
from safeguard.instruments.fields import MISSING, Field
from safeguard.instruments.result import FieldError, ItemExplanation, Result

SOURCE = (
    "Static-99R coding rules, revised 2016 (Phenix, Fernandez, Harris, Helmus, Hanson & Thornton), "
    "Public Safety Canada and SAARNA; levels and percentile ranks from the 2016 evaluators' workbook"
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
        return -3, "aged 60 or over at release: -3"
    if age >= 40:
        return -1, "aged 40 to 59.9 at release: -1"
    if age >= 35:
        return 0, "aged 35 to 39.9 at release: 0"
    return 1, "aged 18 to 34.9 at release: +1"


def _yes_no(points_if_yes: int, yes: str, no: str, *, yes_scores_when: bool = True) -> Any:
    def score(answer: bool) -> tuple[int, str]:
        if answer is yes_scores_when:
            return points_if_yes, f"{yes}: {points_if_yes} point"
        return 0, f"{no}: 0 points"
    return score


def _count_item(threshold: int, noun: str) -> Any:
    def score(count: int) -> tuple[int, str]:
        if count >= threshold:
            return 1, f"{count} {noun}: 1 point ({threshold} or more score 1)"
        return 0, f"{count} {noun}: 0 points ({threshold} or more would score 1)"
    return score


FIELDS = (
    Field("sex", "choice", "Sex",
          "Optional. Static-99R is for men; if the person is a woman the result is 'not applicable'.",
          required=False, nullable=True, choices=("male", "female")),
    Field("date_of_birth", "date", "Date of birth",
          "The person's date of birth; with the release date it gives the age at release. "
          "Leave out if you give age_at_release instead.",
          required=False, nullable=True),
    Field("release_date", "date", "Release date",
          "The date of release from the index sex offence: the actual date, or the expected date "
          "if the person has not yet been released. For a community sentence, the date of sentence.",
          required=False, nullable=True),
    Field("age_at_release", "number", "Age at release (years)",
          "Alternative to the two dates: age at release from the index sex offence in years, with "
          "decimals (for example 34.5).",
          required=False, nullable=True, minimum=0, maximum=120),
    Field("ever_lived_with_intimate_partner_2_years", "boolean", "Ever lived with an intimate partner for two years",
          "True if the person has ever lived with an adult lover (male or female) for at least two years."),
    Field("index_non_sexual_violence", "boolean", "Index non-sexual violence",
          "True if the index sentencing occasion included a separate conviction for non-sexual violence."),
    Field("prior_non_sexual_violence", "boolean", "Prior non-sexual violence",
          "True if the person has any conviction for non-sexual violence before the index sentencing occasion."),
    Field("prior_sex_offence_charges", "integer", "Prior sex offence charges",
          "Number of charges for sexual offences before the index offence (not counting the index "
          "offence). Every conviction also counts as a charge.",
          minimum=0, maximum=999),
    Field("prior_sex_offence_convictions", "integer", "Prior sex offence convictions",
          "Number of convictions for sexual offences before the index offence (not counting the index offence).",
          minimum=0, maximum=999),
    Field("prior_sentencing_dates", "integer", "Prior sentencing dates",
          "Number of distinct occasions before the index offence on which the person was sentenced "
          "for any criminal offence.",
          minimum=0, maximum=999),
    Field("non_contact_sex_offence_convictions", "integer", "Convictions for non-contact sex offences",
          "Number of convictions for non-contact sexual offences (for example exposure, voyeurism, "
          "obscene calls), index offence included.",
          minimum=0, maximum=999),
    Field("unrelated_victims", "boolean", "Any unrelated victims",
          "True if any victim of a sexual offence was not related to the person by blood or marriage "
          "closely enough to bar marriage."),
    Field("stranger_victims", "boolean", "Any stranger victims",
          "True if any victim of a sexual offence was a stranger (not known to the person 24 hours before the offence)."),
    Field("male_victims", "boolean", "Any male victims",
          "True if any victim of a sexual offence was male (including non-contact offences)."),
    Field("only_indecent_image_offences", "boolean", "Only indecent image offences",
          "Optional. True if the person's only sexual offences are possession or making of indecent "
          "images; Static-99R is not used then (use RM2000/S or CPORT).",
          required=False, nullable=True, default=False),
)


class Static99R(Instrument):
    meta = InstrumentMetadata(
        id="static-99r",
        name="Static-99R",
        model_version="2016",
        thresholds_version="2016-levels",
        source=SOURCE,
        tables=(
            TableInfo("items", "ten items and their weights", "verified", "Static-99R coding rules (2016)", SOURCE, "2016"),
            TableInfo("prior_sex_offences", "item 5: higher row when charges and convictions fall in different rows",
                      "candidate", "not confirmed by any source reachable here", SOURCE, "2016"),
            TableInfo("levels", "risk levels I to IVb (2016)", "verified", "Static-99R 2016 risk levels", SOURCE, "2016"),
            TableInfo("percentiles", "percentile ranks for totals -3 to 1", "verified",
                      "2016 evaluators' workbook (other totals not available)", SOURCE, "2016"),
        ),
        population="Adult men charged with or convicted of a sexual offence against a child or a non-consenting adult.",
        not_for=(
            "women (not applicable)",
            "people under 18 at release (not applicable)",
            "people whose only sexual offences are indecent-image possession (use RM2000/S or CPORT)",
            "stating an individual's absolute chance of reoffending: per-score rates are not shown",
        ),
        reassessment_months=None,
        reassessment_note="A static scale: rescore only after a new sexual offence charge or conviction, "
                          "a new sentencing date, or a change of release date.",
        bands=("very_low", "below_average", "average", "above_average", "well_above_average", "not_applicable"),
        points_range=(-3, 12),
        gives_probability=False,
        known_limits=(
            "Discrimination is moderate: AUC about .68 to .80 across studies.",
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
        {"anyOf": [
            {"required": ["age_at_release"], "properties": {"age_at_release": {"type": "number"}}},
            {"required": ["date_of_birth", "release_date"],
             "properties": {"date_of_birth": {"type": "string"}, "release_date": {"type": "string"}}},
        ]},
    )

    def __init__(self) -> None:
        super().__init__()
        self._rules = (
            ItemRule("ever_lived_with_intimate_partner_2_years",
                     _yes_no(1, "never lived with an intimate partner for two years",
                             "has lived with an intimate partner for two years", yes_scores_when=False)),
            ItemRule("index_non_sexual_violence",
                     _yes_no(1, "index non-sexual violence conviction", "no index non-sexual violence conviction")),
            ItemRule("prior_non_sexual_violence",
                     _yes_no(1, "prior non-sexual violence conviction", "no prior non-sexual violence conviction")),
        )
        self._sentencing = ItemRule("prior_sentencing_dates", _count_item(4, "prior sentencing date(s)"))
        self._non_contact = ItemRule("non_contact_sex_offence_convictions",
                                     _count_item(1, "non-contact sex offence conviction(s)"))
        self._victims = (
            ItemRule("unrelated_victims", _yes_no(1, "unrelated victim(s)", "no unrelated victims")),
            ItemRule("stranger_victims", _yes_no(1, "stranger victim(s)", "no stranger victims")),
            ItemRule("male_victims", _yes_no(1, "male victim(s)", "no male victims")),
        )
        self._prior: dict[tuple[int, int], ItemExplanation] = {}

    def _age(self, values: dict[str, Any], errors: list[FieldError]) -> float | None:
        dob, release, given = values["date_of_birth"], values["release_date"], values["age_at_release"]
        computed = None
        if dob is not None and release is not None:
            if release < dob:
                errors.append(FieldError("release_date", "before_date_of_birth",
                                         f"release_date ({release}) is before date_of_birth ({dob})"))
                return None
            computed = decimal_years(dob, release)
        if given is not None:
            if computed is not None and math.floor(given) != whole_years(dob, release):
                errors.append(FieldError(
                    "age_at_release", "inconsistent",
                    f"age_at_release ({given}) does not match the {whole_years(dob, release)} whole years "
                    "between date_of_birth and release_date: give one or make them agree",
                ))
                return None
            return float(given)
        if computed is not None:
            return computed
        if not any(e.field in ("date_of_birth", "release_date", "age_at_release") for e in errors):
            if dob is None and release is None:
                errors.append(FieldError("release_date", MISSING,
                                         "give release_date and date_of_birth, or age_at_release"))
            else:
                name = "date_of_birth" if dob is None else "release_date"
                errors.append(FieldError(name, MISSING, f"{name} is required to work out the age at release "
                                                        "(or give age_at_release instead)"))
        return None

    def _prior_sex_offences(self, charges: int, convictions: int) -> ItemExplanation:
        key = (charges, convictions)
        item = self._prior.get(key)
        if item is None:
            by_charges, by_convictions = _row(charges, CHARGE_ROWS), _row(convictions, CONVICTION_ROWS)
            points = max(by_charges, by_convictions)
            rule = (f"{charges} prior charge(s) give row {by_charges}; {convictions} prior conviction(s) "
                    f"give row {by_convictions}")
            rule += (f"; rows differ, the higher row scores {points} (never added)" if by_charges != by_convictions
                     else f": {points} point(s)")
            item = ItemExplanation("prior_sex_offences", f"charges {charges}, convictions {convictions}", points, rule)
            if len(self._prior) < 4096:
                self._prior[key] = item
        return item

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        age = self._age(values, errors)
        if errors:
            return self.error_result(errors)
        if values["sex"] == "female":
            return self.not_applicable("Static-99R is for men; it is not scored for a woman.")
        if age is None:
            raise RuntimeError("age at release was accepted without a value")
        if age < 18:
            return self.not_applicable(f"The person was under 18 at release (age {math.floor(age * 100) / 100:.2f}).")
        if values["only_indecent_image_offences"]:
            return self.not_applicable("The only sexual offences are indecent-image offences: use RM2000/S or CPORT.")

        charges, convictions = values["prior_sex_offence_charges"], values["prior_sex_offence_convictions"]
        age_pts, age_rule = age_points(age)
        items = (
            explain("age_at_release", math.floor(age * 100) / 100, age_pts, age_rule),
            self._rules[0].explain(values["ever_lived_with_intimate_partner_2_years"]),
            self._rules[1].explain(values["index_non_sexual_violence"]),
            self._rules[2].explain(values["prior_non_sexual_violence"]),
            self._prior_sex_offences(charges, convictions),
            self._sentencing.explain(values["prior_sentencing_dates"]),
            self._non_contact.explain(values["non_contact_sex_offence_convictions"]),
            self._victims[0].explain(values["unrelated_victims"]),
            self._victims[1].explain(values["stranger_victims"]),
            self._victims[2].explain(values["male_victims"]),
        )
        points = 0
        for item in items:
            points += item.points or 0
        band, level = level_for_points(points)
        unverified = ()
        if _row(charges, CHARGE_ROWS) != _row(convictions, CONVICTION_ROWS):
            unverified = ("prior_sex_offences",)
        warnings = []
        if convictions > charges:
            warnings.append(
                f"prior_sex_offence_convictions ({convictions}) exceeds prior_sex_offence_charges ({charges}); "
                "under the coding rules every conviction is also a charge: check the coding."
            )
        return self.result(
            band=band,
            points=points,
            probability=None,
            items=items,
            extras={"level": level, "percentile_rank": PERCENTILE_RANKS.get(points)},
            unverified=unverified,
            warnings=warnings,
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
