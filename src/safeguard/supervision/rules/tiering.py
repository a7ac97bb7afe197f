"""Case tiering: a priority from A (highest) to G for a person under supervision, with its reasons.

The rule, from the supervision spec ("Case prioritisation", which summarises the open-source
`ministryofjustice/hmpps-tier`): the tier is the highest of

- sexual reoffending (the OSP/DC band): very high → A, high → B, medium → C or D (C where the
  probability is at least 3.36% without the risk reduction, or at least 1.12% with it; else D), low → E;
- MAPPA and risk of serious harm (RoSH): with a MAPPA category, RoSH very high → A, high → C, medium → D,
  low or none → E; without MAPPA, very high → C, high → D;
- registrations: a sexual offence ever committed → E, child protection → F, domestic abuse → E;
- a general-reoffending × combined-serious-reoffending lookup, only when those predictors exist. Its
  table is not in the spec, so it is never applied here, and the result says so.

With nothing to place the person higher, the tier is G. The tier is "provisional" when risk of serious
harm is missing, when an input it used is older than the configured age ("stale"), when a person with a
sexual offence has no sexual reoffending predictor, or when a medium band comes without its probability
(then C, the higher of the two, is used).

The spec gives no status word for these rules; they are read in an open-source implementation, not a
published policy, so they are shown as secondary and unverified wherever the tier is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from safeguard.calendar.dates import add_days, add_months
from safeguard.supervision.rules.levels import LEVEL_WORDS, Level

RULE_SOURCE = "supervision spec, 'Case prioritisation', from the open-source ministryofjustice/hmpps-tier"
RULE_STATUS = "secondary, unverified"
TIERS = ("A", "B", "C", "D", "E", "F", "G")
LOWEST = "G"
# OSP/DC probability thresholds for a medium band (fractions: 3.36% and 1.12%).
MEDIUM_C_WITHOUT_REDUCTION = 0.0336
MEDIUM_C_WITH_REDUCTION = 0.0112
NOT_APPLIED = (
    "The general-reoffending and combined-serious-reoffending lookup was not applied: its table is not in "
    "the spec."
)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True, slots=True)
class SexualPredictor:
    """The latest OSP/DC result: band, probability (a fraction), whether the risk reduction was applied."""

    band: str  # a Level value, or "not_applicable"
    assessed_on: date | None
    probability: float | None = None
    risk_reduction_applied: bool = False
    instrument: str = "OSP/DC"


@dataclass(frozen=True, slots=True)
class RiskOfSeriousHarm:
    level: Level
    assessed_on: date


@dataclass(frozen=True, slots=True)
class TierInputs:
    today: date
    sexual_predictor: SexualPredictor | None = None
    rosh: RiskOfSeriousHarm | None = None
    mappa_category: int | None = None
    sexual_offence: bool = False
    child_protection: bool = False
    domestic_abuse: bool = False
    stale_after_months: int = 12


@dataclass(frozen=True, slots=True)
class Step:
    """One part of the rule and the tier it gave (None: it placed the person nowhere)."""

    part: str
    tier: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class TierResult:
    tier: str
    provisional: bool
    steps: tuple[Step, ...]
    provisional_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=(NOT_APPLIED,))

    @property
    def reason(self) -> str:
        """The tier and why, in one paragraph of plain words."""
        placing = [s for s in self.steps if s.tier is not None]
        if not placing:
            head = f"Tier {self.tier}: nothing in the rule places the person higher."
        else:
            best = min(placing, key=lambda s: TIERS.index(s.tier or LOWEST))
            head = f"Tier {self.tier}: {best.reason}."
        tail = f" Provisional: {'; '.join(self.provisional_reasons)}." if self.provisional else ""
        return head + tail

    def to_dict(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "provisional": self.provisional,
            "reason": self.reason,
            "steps": [{"part": s.part, "tier": s.tier, "reason": s.reason} for s in self.steps],
            "provisional_reasons": list(self.provisional_reasons),
            "notes": list(self.notes),
            "rule_source": RULE_SOURCE,
            "rule_status": RULE_STATUS,
        }


def stale_on(assessed_on: date, months: int) -> date:
    """The first day an input assessed on `assessed_on` counts as stale (older than `months` months)."""
    return add_days(add_months(assessed_on, months), 1)


def _stale(assessed_on: date | None, inputs: TierInputs) -> bool:
    return assessed_on is not None and stale_on(assessed_on, inputs.stale_after_months) <= inputs.today


def next_change(inputs: TierInputs) -> date | None:
    """The first day after `today` on which time alone changes the result: an input growing stale."""
    dates = [
        stale_on(assessed_on, inputs.stale_after_months)
        for assessed_on in (
            inputs.sexual_predictor.assessed_on if inputs.sexual_predictor else None,
            inputs.rosh.assessed_on if inputs.rosh else None,
        )
        if assessed_on is not None
    ]
    return min((d for d in dates if d > inputs.today), default=None)


def _sexual(inputs: TierInputs, provisional: list[str]) -> Step:
    part = "Sexual reoffending"
    predictor = inputs.sexual_predictor
    if predictor is None or predictor.band == "not_applicable":
        if inputs.sexual_offence:
            provisional.append("no sexual reoffending predictor for a person with a sexual offence")
        reason = "no sexual reoffending predictor" if predictor is None else f"{predictor.instrument} does not apply"
        return Step(part, None, reason.capitalize())
    when = f" ({predictor.instrument}, {_day(predictor.assessed_on)})" if predictor.assessed_on else f" ({predictor.instrument})"
    if _stale(predictor.assessed_on, inputs):
        provisional.append(f"the sexual reoffending predictor is more than {inputs.stale_after_months} months old")
    band = Level(predictor.band)
    words = f"Sexual reoffending predictor band {LEVEL_WORDS[band]}{when}"
    if band is Level.VERY_HIGH:
        return Step(part, "A", f"{words} gives A")
    if band is Level.HIGH:
        return Step(part, "B", f"{words} gives B")
    if band is Level.LOW:
        return Step(part, "E", f"{words} gives E")
    threshold = MEDIUM_C_WITH_REDUCTION if predictor.risk_reduction_applied else MEDIUM_C_WITHOUT_REDUCTION
    with_or_without = "with" if predictor.risk_reduction_applied else "without"
    if predictor.probability is None:
        provisional.append("the medium band came without its probability, so C (the higher) was used")
        return Step(part, "C", f"{words} gives C (probability not known)")
    percent = f"{predictor.probability * 100:.2f}%"
    if predictor.probability >= threshold:
        return Step(part, "C", f"{words}, probability {percent} at least {threshold * 100:.2f}% {with_or_without} the risk reduction, gives C")
    return Step(part, "D", f"{words}, probability {percent} below {threshold * 100:.2f}% {with_or_without} the risk reduction, gives D")


def _mappa_rosh(inputs: TierInputs, provisional: list[str]) -> Step:
    part = "MAPPA and risk of serious harm"
    rosh = inputs.rosh
    if rosh is None:
        provisional.append("risk of serious harm is not recorded")
    elif _stale(rosh.assessed_on, inputs):
        provisional.append(f"risk of serious harm was assessed more than {inputs.stale_after_months} months ago")
    level = rosh.level if rosh is not None else None
    rosh_words = f"risk of serious harm {LEVEL_WORDS[level]} ({_day(rosh.assessed_on)})" if rosh and level else "no risk of serious harm recorded"
    if inputs.mappa_category is not None:
        tier = {Level.VERY_HIGH: "A", Level.HIGH: "C", Level.MEDIUM: "D"}.get(level, "E") if level else "E"
        return Step(part, tier, f"MAPPA category {inputs.mappa_category} with {rosh_words} gives {tier}")
    tier_or_none = {Level.VERY_HIGH: "C", Level.HIGH: "D"}.get(level) if level else None
    if tier_or_none is None:
        return Step(part, None, f"No MAPPA category, {rosh_words}: no tier from this part")
    return Step(part, tier_or_none, f"No MAPPA category, {rosh_words} gives {tier_or_none}")


def _registrations(inputs: TierInputs) -> Step:
    part = "Registrations"
    found = [
        (tier, words)
        for flag, tier, words in (
            (inputs.sexual_offence, "E", "a sexual offence"),
            (inputs.child_protection, "F", "child protection"),
            (inputs.domestic_abuse, "E", "domestic abuse"),
        )
        if flag
    ]
    if not found:
        return Step(part, None, "No registrations")
    tier = min((t for t, _ in found), key=TIERS.index)
    return Step(part, tier, f"Registrations ({', '.join(w for _, w in found)}) give {tier}")


def tier_for(inputs: TierInputs) -> TierResult:
    """The tier, every part's contribution and whether the result is provisional."""
    if inputs.mappa_category is not None and inputs.mappa_category not in (1, 2, 3, 4):
        raise ValueError("MAPPA category must be 1, 2, 3 or 4")
    provisional: list[str] = []
    steps = (_sexual(inputs, provisional), _mappa_rosh(inputs, provisional), _registrations(inputs))
    tiers = [s.tier for s in steps if s.tier is not None]
    tier = min(tiers, key=TIERS.index) if tiers else LOWEST
    return TierResult(tier=tier, provisional=bool(provisional), steps=steps, provisional_reasons=tuple(provisional))
