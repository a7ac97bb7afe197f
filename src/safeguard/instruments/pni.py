"""PNI: the Programme Needs Identifier, which routes a person to a programme pathway from need and risk."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeguard.instruments.base import Context, Feed, Instrument, InstrumentMetadata, TableInfo, explain
from safeguard.instruments.fields import Field
from safeguard.instruments.osp_common import HAS_SEXUAL_HISTORY, HMPPS_SOURCE
from safeguard.instruments.result import FieldError, ItemExplanation, Result, Scalar

SEX_DOMAIN = (
    "sexual_preoccupation",
    "offence_related_sexual_interests",
    "emotional_congruence_with_children",
)
THINKING_DOMAIN = ("pro_criminal_attitudes", "hostile_orientation")
RELATIONSHIPS_DOMAIN = (
    "relationship_with_family",
    "previous_close_relationships",
    "easily_influenced_by_criminal_associates",
    "controlling_or_aggressive_behaviour",
)
SELF_MANAGEMENT_DOMAIN = ("impulsivity", "temper_control", "problem_solving", "difficulties_coping")
ALL_ITEMS = SEX_DOMAIN + THINKING_DOMAIN + RELATIONSHIPS_DOMAIN + SELF_MANAGEMENT_DOMAIN

GENERAL_HIGH = 75.0
VIOLENT_HIGH = 60.0
RSR_HIGH = 3.0
OSP_HIGH_BANDS = frozenset({"high", "very_high"})
REAL_OSP_BANDS = frozenset({"low", "medium", "high", "very_high"})

ITEM_TEXT = {
    "sexual_preoccupation": (
        "Sexual preoccupation",
        "Sexual thoughts or activity that take up much of the person's time and attention.",
    ),
    "offence_related_sexual_interests": (
        "Offence-related sexual interests",
        "Sexual interest in children, in coercion or in other offence-related acts.",
    ),
    "emotional_congruence_with_children": (
        "Emotional congruence with children",
        "Feeling emotionally closer to, or more at ease with, children than adults.",
    ),
    "pro_criminal_attitudes": (
        "Pro-criminal attitudes",
        "Attitudes and beliefs that support or excuse offending.",
    ),
    "hostile_orientation": (
        "Hostile orientation",
        "A suspicious, hostile or grievance-laden view of other people.",
    ),
    "relationship_with_family": (
        "Relationship with family",
        "Difficulties in relationships with family members.",
    ),
    "previous_close_relationships": (
        "Previous close relationships",
        "Difficulties or abuse in the person's past intimate relationships.",
    ),
    "easily_influenced_by_criminal_associates": (
        "Easily influenced by criminal associates",
        "Readiness to go along with people who offend.",
    ),
    "controlling_or_aggressive_behaviour": (
        "Controlling or aggressive behaviour",
        "Controlling, intimidating or aggressive behaviour towards others.",
    ),
    "impulsivity": ("Impulsivity", "Acting without thinking of the consequences."),
    "temper_control": ("Temper control", "Difficulty controlling anger or temper."),
    "problem_solving": ("Problem-solving", "Difficulty recognising problems and finding workable solutions."),
    "difficulties_coping": (
        "Difficulties coping",
        "Difficulty coping with stress, setbacks or strong feelings.",
    ),
}
DOMAIN_OF = {
    **dict.fromkeys(SEX_DOMAIN, "sex"),
    **dict.fromkeys(THINKING_DOMAIN, "thinking"),
    **dict.fromkeys(RELATIONSHIPS_DOMAIN, "relationships"),
    **dict.fromkeys(SELF_MANAGEMENT_DOMAIN, "self-management"),
}

LEVELS = ("low", "medium", "high")


def sex_domain(items: Mapping[str, int]) -> int:
    if items["offence_related_sexual_interests"] == 2:
        return 2
    total = sum(items[name] for name in SEX_DOMAIN)
    return 0 if total <= 1 else 1 if total <= 3 else 2


def thinking_domain(items: Mapping[str, int]) -> int:
    if items["pro_criminal_attitudes"] == 2:
        return 2
    total = sum(items[name] for name in THINKING_DOMAIN)
    return 0 if total == 0 else 1 if total <= 2 else 2


def four_item_domain(items: Mapping[str, int], names: tuple[str, ...]) -> int:
    total = sum(items[name] for name in names)
    return 0 if total <= 1 else 1 if total <= 4 else 2


def domain_scores(items: Mapping[str, int], sex_counted: bool) -> dict[str, int | None]:
    return {
        "sex": sex_domain(items) if sex_counted else None,
        "thinking": thinking_domain(items),
        "relationships": four_item_domain(items, RELATIONSHIPS_DOMAIN),
        "self_management": four_item_domain(items, SELF_MANAGEMENT_DOMAIN),
    }


def need_level(need: int) -> str:
    return "low" if need <= 2 else "medium" if need <= 5 else "high"


def pathway(
    need: str, risk: str, *, custody: bool, general_or_violent_high: bool, sara_high: bool, sara_medium: bool
) -> str:
    """The programme pathway for known need and risk (omission is decided by the caller)."""
    if custody and (
        (need == "high" and risk == "high")
        or (need in ("medium", "high") and (general_or_violent_high or sara_high))
    ):
        return "high"
    if (need, risk) in (("medium", "high"), ("high", "medium"), ("medium", "medium"), ("high", "high")):
        return "moderate"
    if sara_high or sara_medium:
        return "moderate"
    return "alternative"


def _item_field(name: str) -> Field:
    title, text = ITEM_TEXT[name]
    domain = DOMAIN_OF[name]
    extra = (
        " Scored only if the person has a sexual history or is a risk of sexual harm."
        if domain == "sex"
        else ""
    )
    return Field(
        name,
        "integer",
        title,
        f"{text} 0 = no problem, 1 = some problem, 2 = significant problem; null if not assessed "
        f"({domain} domain).{extra}",
        required=False,
        nullable=True,
        choices=(0, 1, 2),
    )


def _percent(name: str, title: str, text: str) -> Field:
    return Field(name, "number", title, text, required=False, nullable=True, minimum=0, maximum=100)


def _band_choice(name: str, title: str, text: str, choices: tuple[str, ...]) -> Field:
    return Field(name, "choice", title, text, required=False, nullable=True, choices=choices)


TABLES = (
    TableInfo(
        "domains",
        "item-to-domain scoring and need levels",
        "verified",
        "HMPPS ARNS risk-actuarial service (PNI)",
        HMPPS_SOURCE,
        "1",
    ),
    TableInfo(
        "risk",
        "high-risk triggers, and medium from OSP bands or SARA",
        "verified",
        "HMPPS ARNS risk-actuarial service (PNI)",
        HMPPS_SOURCE,
        "1",
    ),
    TableInfo(
        "pathway",
        "need/risk pairs for the moderate pathway, omission and projection",
        "verified",
        "HMPPS ARNS risk-actuarial service (PNI)",
        HMPPS_SOURCE,
        "1",
    ),
    TableInfo(
        "high_combinations",
        "high-intensity pathway in custody for medium or high need with general or violent reoffending "
        "high, or SARA high",
        "interpretation",
        "the spec names 'the general/violent or SARA high combinations' without listing them",
        HMPPS_SOURCE,
        "1",
    ),
)


def _band_of(result: Result) -> Scalar:
    return result.band


def _rsr_percent(result: Result) -> Scalar:
    value = result.extras.get("percent")
    return value if isinstance(value, float | int) else None


class Pni(Instrument):
    meta = InstrumentMetadata(
        id="pni",
        name="PNI (Programme Needs Identifier)",
        model_version="pni-1",
        thresholds_version="pni-1",
        source=HMPPS_SOURCE,
        tables=TABLES,
        population=(
            "People assessed by HMPPS for accredited offending behaviour programmes, in "
            "custody or the community."
        ),
        not_for=(
            "deciding suitability for a programme on its own: it suggests a pathway for the "
            "programme team to confirm",
            "people whose supervision status is not known (the pathway is 'omission')",
        ),
        reassessment_months=None,
        reassessment_note="Recompute whenever an item, a risk score or the supervision status changes.",
        bands=("high", "moderate", "alternative", "omission"),
        points_range=None,
        gives_probability=False,
        known_limits=(
            "The spec gives no medium cut-offs for general reoffending, violent reoffending or RSR; those "
            "inputs can only raise risk to high here. A warning is given when a medium reading "
            "would change the pathway.",
            "OSP counts as not applicable when neither OSP band is a real band (both null or "
            "not_applicable).",
        ),
        depends_on=("osp-dc", "osp-iic", "rsr"),
        extra_keys=(
            "pathway",
            "need_level",
            "risk_level",
            "need_score",
            "sex_domain_score",
            "thinking_domain_score",
            "relationships_domain_score",
            "self_management_domain_score",
            "missing_items",
            "risk_reasons",
        ),
        item_titles=tuple((name, ITEM_TEXT[name][0]) for name in ALL_ITEMS),
    )
    input_fields = (
        *(_item_field(name) for name in ALL_ITEMS),
        HAS_SEXUAL_HISTORY,
        Field(
            "is_risk_of_sexual_harm",
            "boolean",
            "Is a risk of sexual harm",
            "True if the person is assessed as posing a risk of sexual harm even without a sexual "
            "conviction.",
        ),
        Field(
            "supervision_status",
            "choice",
            "Supervision status",
            "Custody, community or remand. If it is not known the pathway is 'omission'.",
            required=False,
            nullable=True,
            choices=("custody", "community", "remand"),
        ),
        _percent(
            "ogrs_2yr",
            "OGRS two-year (%)",
            "General reoffending within two years in percent (OGRS). Give this or "
            "general_reoffending_percent.",
        ),
        _percent(
            "general_reoffending_percent",
            "General reoffending (%)",
            "General reoffending in percent from the model your service uses. Give this or ogrs_2yr.",
        ),
        _percent("violent_reoffending_percent", "Violent reoffending (%)", "Violent reoffending in percent."),
        _band_choice(
            "osp_dc_band",
            "OSP/DC band",
            "The OSP/DC band; computed when OSP/DC is scored in the same request.",
            ("low", "medium", "high", "very_high", "not_applicable"),
        ),
        _band_choice(
            "osp_iic_band",
            "OSP/IIC band",
            "The OSP/IIC band; computed when OSP/IIC is scored in the same request.",
            ("low", "medium", "high", "not_applicable"),
        ),
        _percent(
            "rsr_percent",
            "RSR (%)",
            "RSR in percent; computed when RSR is scored in the same request. "
            "Used only when OSP does not apply.",
        ),
        _band_choice(
            "sara_risk_to_partner",
            "SARA: risk to partner",
            "SARA rating of risk to a partner.",
            ("low", "medium", "high"),
        ),
        _band_choice(
            "sara_risk_to_others",
            "SARA: risk to others",
            "SARA rating of risk to others.",
            ("low", "medium", "high"),
        ),
    )
    feeds = (
        Feed("osp-dc", "osp_dc_band", _band_of, required=False),
        Feed("osp-iic", "osp_iic_band", _band_of, required=False),
        Feed("rsr", "rsr_percent", _rsr_percent, required=False),
    )

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        v = self.fieldset.read(data, errors)
        general = v["general_reoffending_percent"]
        if general is not None and v["ogrs_2yr"] is not None and general != v["ogrs_2yr"]:
            errors.append(
                FieldError(
                    "general_reoffending_percent",
                    "inconsistent",
                    f"general_reoffending_percent ({general}) and ogrs_2yr ({v['ogrs_2yr']}) "
                    "differ: give one of them",
                )
            )
        if errors:
            return self.error_result(errors)
        if general is None:
            general = v["ogrs_2yr"]
        sex_counted = bool(v["has_ever_committed_sexual_offence"] or v["is_risk_of_sexual_harm"])
        relevant = ALL_ITEMS if sex_counted else ALL_ITEMS[len(SEX_DOMAIN) :]
        missing = tuple(name for name in relevant if v[name] is None)

        risk, reasons, medium_unknown = self._risk(v, general)
        custody = v["supervision_status"] == "custody"
        flags = {
            "custody": custody,
            "general_or_violent_high": (general is not None and general >= GENERAL_HIGH)
            or (
                v["violent_reoffending_percent"] is not None
                and v["violent_reoffending_percent"] >= VIOLENT_HIGH
            ),
            "sara_high": "high" in (v["sara_risk_to_partner"], v["sara_risk_to_others"]),
            "sara_medium": "medium" in (v["sara_risk_to_partner"], v["sara_risk_to_others"]),
        }
        # Projected need: a missing item counts as 2; the floor counts it as 0. If the two give
        # different pathways, the missing items decide the outcome and the result is an omission.
        projected = domain_scores({n: 2 if v[n] is None else v[n] for n in ALL_ITEMS}, sex_counted)
        floor = domain_scores({n: 0 if v[n] is None else v[n] for n in ALL_ITEMS}, sex_counted)
        need_high = sum(s for s in projected.values() if s is not None)
        need_low = sum(s for s in floor.values() if s is not None)
        level = need_level(need_high)
        route = pathway(level, risk, **flags)
        warnings: list[str] = []
        reason_for_omission = None
        if v["supervision_status"] is None:
            reason_for_omission = "supervision_status is not known"
        elif missing and pathway(need_level(need_low), risk, **flags) != route:
            reason_for_omission = f"the missing items could change the pathway: {', '.join(missing)}"
        if missing:
            warnings.append(f"Missing items projected as 2 for the need level: {', '.join(missing)}.")
        if reason_for_omission:
            warnings.append(f"Pathway is omission: {reason_for_omission}.")
            route = "omission"
        elif risk == "low" and medium_unknown and pathway(level, "medium", **flags) != route:
            warnings.append(
                f"Risk is low on the published rules, but {', '.join(medium_unknown)} may be a "
                "medium risk: the spec "
                f"gives no medium cut-off for it. If it is medium the pathway would be "
                f"{pathway(level, 'medium', **flags)} rather than {route}; confirm with the programme team."
            )
        unverified: tuple[str, ...] = ()
        if (
            custody
            and (flags["general_or_violent_high"] or flags["sara_high"])
            and not (level == "high" and risk == "high")
        ):
            unverified = ("high_combinations",)

        items = self._items(v, sex_counted, general, risk)
        return self.result(
            band=route,
            points=None,
            probability=None,
            items=items,
            extras={
                "pathway": route,
                "need_level": level,
                "risk_level": risk,
                "need_score": need_high,
                "sex_domain_score": projected["sex"],
                "thinking_domain_score": projected["thinking"],
                "relationships_domain_score": projected["relationships"],
                "self_management_domain_score": projected["self_management"],
                "missing_items": missing,
                "risk_reasons": tuple(reasons),
            },
            unverified=unverified,
            warnings=warnings,
        )

    @staticmethod
    def _risk(v: Mapping[str, Any], general: float | None) -> tuple[str, list[str], list[str]]:
        """Risk level, the reasons for it, and inputs whose medium reading the spec does not define."""
        high: list[str] = []
        medium: list[str] = []
        unknown: list[str] = []
        violent, rsr = v["violent_reoffending_percent"], v["rsr_percent"]
        osp_applies = v["osp_dc_band"] in REAL_OSP_BANDS or v["osp_iic_band"] in REAL_OSP_BANDS
        if general is not None:
            (high if general >= GENERAL_HIGH else unknown).append(f"general reoffending {general:g}%")
        if violent is not None:
            (high if violent >= VIOLENT_HIGH else unknown).append(f"violent reoffending {violent:g}%")
        for name, label in (("osp_dc_band", "OSP/DC"), ("osp_iic_band", "OSP/IIC")):
            if v[name] in OSP_HIGH_BANDS:
                high.append(f"{label} band {v[name]}")
            elif v[name] == "medium":
                medium.append(f"{label} band medium")
        if rsr is not None and not osp_applies:
            (high if rsr >= RSR_HIGH else unknown).append(f"RSR {rsr:g}% (OSP not applicable)")
        for name, label in (
            ("sara_risk_to_partner", "SARA risk to partner"),
            ("sara_risk_to_others", "SARA risk to others"),
        ):
            if v[name] == "high":
                high.append(f"{label} high")
            elif v[name] == "medium":
                medium.append(f"{label} medium")
        if high:
            return "high", high, []
        if medium:
            return "medium", medium, []
        return "low", [], unknown

    @staticmethod
    def _items(
        v: Mapping[str, Any], sex_counted: bool, general: float | None, risk: str
    ) -> tuple[ItemExplanation, ...]:
        out = []
        for name in ALL_ITEMS:
            domain = DOMAIN_OF[name]
            answer = v[name]
            if domain == "sex" and not sex_counted:
                out.append(
                    explain(
                        name,
                        answer,
                        None,
                        "sex domain not scored: no sexual history and not a risk of sexual harm",
                    )
                )
            elif answer is None:
                out.append(explain(name, None, None, f"missing: projected as 2 in the {domain} domain"))
            else:
                out.append(explain(name, answer, answer, f"{answer} counts towards the {domain} domain"))
        risk_inputs: tuple[tuple[str, Any, str], ...] = (
            ("general_reoffending_percent", general, f"{GENERAL_HIGH:g}% or more gives high risk"),
            (
                "violent_reoffending_percent",
                v["violent_reoffending_percent"],
                f"{VIOLENT_HIGH:g}% or more gives high risk",
            ),
            ("osp_dc_band", v["osp_dc_band"], "high or very high gives high risk; medium gives medium"),
            ("osp_iic_band", v["osp_iic_band"], "high gives high risk; medium gives medium"),
            (
                "rsr_percent",
                v["rsr_percent"],
                f"{RSR_HIGH:g}% or more gives high risk when OSP does not apply",
            ),
            ("sara_risk_to_partner", v["sara_risk_to_partner"], "high gives high risk; medium gives medium"),
            ("sara_risk_to_others", v["sara_risk_to_others"], "high gives high risk; medium gives medium"),
        )
        out.extend(
            explain(name, value, None, f"risk input: {rule} (overall risk {risk})")
            for name, value, rule in risk_inputs
            if value is not None
        )
        return tuple(out)

    def example_input(self) -> dict[str, Any]:
        example: dict[str, Any] = dict.fromkeys(ALL_ITEMS, 1)
        example.update(
            {
                "has_ever_committed_sexual_offence": False,
                "is_risk_of_sexual_harm": False,
                "supervision_status": "community",
                "general_reoffending_percent": 10,
                "sara_risk_to_partner": "low",
                "sara_risk_to_others": "low",
            }
        )
        return example
