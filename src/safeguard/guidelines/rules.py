"""General sentencing rules that apply across offence guidelines, each with its source and status.

Plea reduction, the custody threshold, suspension, community orders and the Sexual Harm Prevention
Order are not part of any one offence guideline, so they live here as typed constants rather than in
the per-guideline data files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction

from safeguard.calendar.durations import Duration
from safeguard.guidelines.facts import Evidence, Fact

# --- Reduction for a guilty plea -------------------------------------------------------------

# The 2017 guideline applies by the date of the FIRST HEARING, not the sentencing date.
PLEA_2017_FIRST_HEARINGS_FROM = date(2017, 6, 1)

PLEA_2017_FACT = Fact(
    Evidence.SECONDARY,
    "Sentencing Council, Reduction in Sentence for a Guilty Plea definitive guideline (first "
    "hearings on or after 1 June 2017): scope and date verified, reductions read in a secondary source",
)
PLEA_2007_FACT = Fact(
    Evidence.SECONDARY,
    "Sentencing Guidelines Council, Reduction in Sentence for a Guilty Plea (revised 2007), via a "
    "secondary source (Halsbury's Laws of England, Sentencing, para 565: one-tenth 'for a guilty plea "
    "entered at the door of the court or after the trial has begun')",
)


class PleaStage(StrEnum):
    """When the guilty plea was indicated. The 2007 guideline's stages map onto the same four."""

    FIRST_STAGE = "first_stage"
    AFTER_FIRST_STAGE = "after_first_stage"
    FIRST_DAY_OF_TRIAL = "first_day_of_trial"
    DURING_TRIAL = "during_trial"


@dataclass(frozen=True, slots=True)
class PleaBand:
    stage: PleaStage
    maximum: Fraction
    wording: str


PLEA_2017_BANDS: dict[PleaStage, PleaBand] = {
    PleaStage.FIRST_STAGE: PleaBand(
        PleaStage.FIRST_STAGE,
        Fraction(1, 3),
        "plea indicated at the first stage of proceedings (normally the first hearing at which a "
        "plea is sought): maximum one-third",
    ),
    PleaStage.AFTER_FIRST_STAGE: PleaBand(
        PleaStage.AFTER_FIRST_STAGE,
        Fraction(1, 4),
        "plea indicated after the first stage: maximum one-quarter, on a sliding scale down to "
        "one-tenth on the first day of trial",
    ),
    PleaStage.FIRST_DAY_OF_TRIAL: PleaBand(
        PleaStage.FIRST_DAY_OF_TRIAL,
        Fraction(1, 10),
        "plea on the first day of trial: one-tenth",
    ),
    PleaStage.DURING_TRIAL: PleaBand(
        PleaStage.DURING_TRIAL,
        Fraction(1, 10),
        "plea once the trial has begun: below one-tenth, and may be reduced even to zero",
    ),
}

PLEA_2007_BANDS: dict[PleaStage, PleaBand] = {
    PleaStage.FIRST_STAGE: PleaBand(
        PleaStage.FIRST_STAGE, Fraction(1, 3), "plea at the first reasonable opportunity: one-third"
    ),
    PleaStage.AFTER_FIRST_STAGE: PleaBand(
        PleaStage.AFTER_FIRST_STAGE, Fraction(1, 4), "plea after a trial date is set: one-quarter"
    ),
    PleaStage.FIRST_DAY_OF_TRIAL: PleaBand(
        PleaStage.FIRST_DAY_OF_TRIAL, Fraction(1, 10), "plea at the door of the court: one-tenth"
    ),
    # The 2007 guideline puts a plea once the trial has begun in the same band as the door of the court.
    PleaStage.DURING_TRIAL: PleaBand(
        PleaStage.DURING_TRIAL, Fraction(1, 10), "plea after the trial has begun: up to one-tenth"
    ),
}

# --- Custody threshold ---------------------------------------------------------------------

CUSTODY_THRESHOLD_FACT = Fact(
    Evidence.VERIFIED,
    "Sentencing Council, Imposition of Community and Custodial Sentences guideline",
)
CUSTODY_THRESHOLD_PRINCIPLE = (
    "Custody must not be imposed unless the offence is so serious that neither a fine alone nor a "
    "community sentence can be justified. Passing the threshold does not make custody inevitable."
)
CUSTODY_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("threshold_passed", "Has the custody threshold been passed?"),
    ("custody_unavoidable", "Is custody unavoidable?"),
    ("shortest_term", "What is the shortest term commensurate with the seriousness of the offence?"),
    ("can_be_suspended", "Can the sentence be suspended?"),
)

# --- Suspended sentence orders ---------------------------------------------------------------

SUSPENSION_FACT = Fact(
    Evidence.SECONDARY,
    "Sentencing Council, Imposition of Community and Custodial Sentences guideline, via a secondary source",
)
SUSPENDABLE_MINIMUM = Duration.days(14)
SUSPENDABLE_MAXIMUM = Duration.years(2)

SSO_PERIODS_FACT = Fact(
    Evidence.VERIFIED,
    "Sentencing Code s.288, as summarised by the Sentencing Council",
)
SSO_PERIOD_MINIMUM = Duration.months(6)
SSO_PERIOD_MAXIMUM = Duration.years(2)

SUSPENSION_FACTORS_AGAINST: dict[str, str] = {
    "risk_or_danger_to_the_public": "The offender presents a risk or danger to the public",
    "punishment_only_by_immediate_custody": (
        "Appropriate punishment can only be achieved by immediate custody"
    ),
    "history_of_poor_compliance": "History of poor compliance with court orders",
}
SUSPENSION_FACTORS_FOR: dict[str, str] = {
    "realistic_prospect_of_rehabilitation": "Realistic prospect of rehabilitation",
    "strong_personal_mitigation": "Strong personal mitigation",
    "harmful_impact_on_others": "Immediate custody will result in significant harmful impact upon others",
}

# --- Community orders ------------------------------------------------------------------------

COMMUNITY_ORDER_FACT = Fact(
    Evidence.VERIFIED,
    "Sentencing Council, Imposition of Community and Custodial Sentences guideline; Sentencing Code",
)
COMMUNITY_ORDER_MAXIMUM = Duration.years(3)
COMMUNITY_ORDER_MINIMUM_AGE = 18

COMMUNITY_REQUIREMENTS_FACT = Fact(Evidence.VERIFIED, "Sentencing Code s.201")
COMMUNITY_REQUIREMENTS: dict[str, str] = {
    "unpaid_work": "Unpaid work requirement",
    "rehabilitation_activity": "Rehabilitation activity requirement",
    "programme": "Programme requirement (accredited programme)",
    "prohibited_activity": "Prohibited activity requirement",
    "curfew": "Curfew requirement",
    "exclusion": "Exclusion requirement",
    "residence": "Residence requirement",
    "foreign_travel_prohibition": "Foreign travel prohibition requirement",
    "mental_health_treatment": "Mental health treatment requirement",
    "drug_rehabilitation": "Drug rehabilitation requirement",
    "alcohol_treatment": "Alcohol treatment requirement",
    "alcohol_abstinence_and_monitoring": "Alcohol abstinence and monitoring requirement",
    "attendance_centre": "Attendance centre requirement",
    "electronic_compliance_monitoring": "Electronic compliance monitoring requirement",
    "electronic_whereabouts_monitoring": "Electronic whereabouts monitoring requirement",
}
UNPAID_WORK_HOURS = (40, 300)
# The spec gives the s.201 list for community orders only; which requirements a suspended sentence
# order may carry is not stated in it, so applying the same list (and the same unpaid-work hours) to a
# suspended sentence order is a candidate rule, marked unverified wherever it is used.
SSO_REQUIREMENTS_FACT = Fact(
    Evidence.CANDIDATE,
    "Sentencing Code s.201 list applied to suspended sentence orders; not stated in Safeguard's sources",
)
SSO_SUPERVISION_NOTE = (
    "Requirements of the suspended sentence order were given without a supervision period: the court "
    "sets the supervision period within which they are complied with."
)
COMMUNITY_LEVELS_NOTE = (
    "Community-order levels (low, medium, high) are labels only: the table of what each level "
    "contains was not found, so the engine does not suggest requirements by level."
)

# --- Sexual Harm Prevention Order ----------------------------------------------------------------

SHPO_FACT = Fact(Evidence.SECONDARY, "Sexual Harm Prevention Order provisions, via a secondary source")
SHPO_MINIMUM = Duration.years(5)
