"""RSR: risk of serious recidivism, the sum of serious violence, OSP/DC and images-predictor percentages.

Generation 1 adds OSP/IIC; generation 2 (the combined serious reoffending predictor, CSRP) adds the
generation-2 images and indirect-contact predictor, IIC-SRP, which scores some people differently
(0 rather than 0.281% when neither non-contact nor contact-adult sanctions are recorded). As the HMPPS
service does in both generations, each component is a percentage rounded half up to two decimals
before the components are added.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from safeguard.instruments.base import Context, Feed, Instrument, InstrumentMetadata, TableInfo, explain
from safeguard.instruments.fields import MISSING, Field
from safeguard.instruments.osp_common import HAS_SEXUAL_HISTORY, HMPPS_SOURCE, SEX
from safeguard.instruments.result import FieldError, Result, Scalar

FEMALE_SEXUAL_HISTORY_PERCENT = 0.38
MAX_PERCENT = 99.99
BANDS = {
    1: ((6.9, "high"), (3.0, "medium"), (0.0, "low")),
    2: ((6.9, "very_high"), (3.0, "high"), (1.0, "medium"), (0.0, "low")),
}
COMPONENT_NAMES = {"osp-dc": "OSP/DC", "osp-iic": "OSP/IIC", "iic-srp": "IIC-SRP"}
# The images component of each generation: the other one is not part of that generation's sum.
IMAGES_FIELD = {1: "osp_iic_percent", 2: "iic_srp_percent"}
SUM_SOURCE = (
    "HMPPS ARNS risk-actuarial service: generation 1 RSRRiskProducerService (commit 66f6739) and "
    "generation 2 CombinedSeriousReoffendingPredictorTransformationHelper (commit f2bbd06), each "
    "component as a percentage rounded half up to 2 decimals, then summed"
)


def band_for_percent(percent: float, generation: int = 1) -> str:
    for lower, band in BANDS[generation]:
        if percent >= lower:
            return band
    raise ValueError(f"RSR percent must be 0 or more, got {percent}")


def round_half_up(value: float) -> float:
    """A percentage rounded half up to two decimals, as the HMPPS service rounds each component."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def round_percent(value: float) -> float:
    """Round half up to two decimals, as a person would, then clamp to the published range."""
    return min(MAX_PERCENT, max(0.0, round_half_up(value)))


def _generation(data: Mapping[str, object]) -> int:
    """The band generation asked for, read leniently: anything but 2 is generation 1 (validation
    reports a bad value separately)."""
    return 2 if data.get("generation") == 2 and data.get("generation") is not True else 1


def _generation_1(data: Mapping[str, object]) -> bool:
    return _generation(data) == 1


def _generation_2(data: Mapping[str, object]) -> bool:
    return _generation(data) == 2


def _rounded(value: float, rounded: float) -> str:
    return "" if value == rounded else f"; {rounded} after rounding to 2 decimals"


def _percent_of(result: Result) -> Scalar:
    return None if result.probability is None else result.probability * 100


def _percent_field(name: str, title: str, description: str, *, required: bool) -> Field:
    return Field(
        name, "number", title, description, required=required, nullable=not required, minimum=0, maximum=100
    )


class Rsr(Instrument):
    meta = InstrumentMetadata(
        id="rsr",
        name="RSR (Risk of Serious Recidivism)",
        model_version="rsr-1",
        thresholds_version="rsr-bands-gen1",
        source=f"{HMPPS_SOURCE}; RSR calculator (noms-digital-studio/rsr-calculator)",
        tables=(
            TableInfo(
                "sum",
                "sum of components (generation 1 with OSP/IIC, generation 2 with IIC-SRP), each rounded "
                "half up to 2 decimals; female adjustment 0.38%; rounding and clamp to 0-99.99",
                "verified",
                SUM_SOURCE,
                HMPPS_SOURCE,
                "1 and 2",
            ),
            TableInfo(
                "bands",
                "bands: generation 1 (<3 low, 3 to <6.9 medium, >=6.9 high) and generation 2 "
                "(<1 low, 1 to <3 medium, 3 to <6.9 high, >=6.9 very high)",
                "verified",
                "HMPPS ARNS risk-actuarial service",
                HMPPS_SOURCE,
                "1 and 2",
            ),
        ),
        population="People aged 18 or over assessed by HMPPS (prison and probation) in England and Wales.",
        not_for=(
            "use without a serious non-sexual violence percentage from a validated model",
            "sentencing decisions on the score alone",
        ),
        reassessment_months=None,
        reassessment_note="Rescore whenever a component (serious violence, OSP/DC or OSP/IIC) is rescored.",
        bands=("low", "medium", "high", "very_high"),
        points_range=None,
        gives_probability=True,
        known_limits=(
            "The serious non-sexual violence percentage is an input here: this engine does not compute it.",
            "Generation 1 adds OSP/IIC; generation 2 adds IIC-SRP, the generation-2 images and indirect "
            "contact predictor, which gives 0 where OSP/IIC gives 0.281% (no image, contact child, or both "
            "non-contact and contact adult sanctions) and 0 for a woman.",
        ),
        depends_on=("osp-dc", "osp-iic", "iic-srp"),
        extra_keys=("percent", "generation"),
        item_titles=(
            ("serious_non_sexual_violence_percent", "Serious non-sexual violence (%)"),
            ("osp_dc_percent", "OSP/DC (%)"),
            ("osp_iic_percent", "OSP/IIC (%)"),
            ("iic_srp_percent", "IIC-SRP (%)"),
            ("female_sexual_history_adjustment", "Adjustment for a woman with a sexual history"),
        ),
    )
    input_fields = (
        _percent_field(
            "serious_non_sexual_violence_percent",
            "Serious non-sexual violence (%)",
            "Two-year probability of serious non-sexual violent reoffending, in percent (0 to 100), "
            "from the validated model used by your service.",
            required=True,
        ),
        _percent_field(
            "osp_dc_percent",
            "OSP/DC (%)",
            "OSP/DC probability in percent. Leave out to have it computed from the OSP inputs.",
            required=False,
        ),
        _percent_field(
            "osp_iic_percent",
            "OSP/IIC (%)",
            "Generation 1 only: OSP/IIC probability in percent. Leave out to have it computed from the "
            "OSP inputs.",
            required=False,
        ),
        _percent_field(
            "iic_srp_percent",
            "IIC-SRP (%)",
            "Generation 2 only: IIC-SRP (images and indirect contact, generation 2) probability in "
            "percent. Leave out to have it computed from the OSP inputs.",
            required=False,
        ),
        SEX,
        HAS_SEXUAL_HISTORY,
        Field(
            "generation",
            "integer",
            "Band generation",
            "Which published bands to apply: 1 (low, medium, high) or 2 (low, medium, high, very "
            "high). Defaults to 1.",
            required=False,
            nullable=True,
            choices=(1, 2),
            default=1,
        ),
    )
    # Each generation's images percentage is not an answer in the other generation.
    schema_rules = (
        {
            "if": {"properties": {"generation": {"const": 2}}, "required": ["generation"]},
            "then": {"properties": {"osp_iic_percent": {"type": "null"}}},
        },
        {
            "if": {"properties": {"generation": {"enum": [1, None]}}},
            "then": {"properties": {"iic_srp_percent": {"type": "null"}}},
        },
    )
    feeds = (
        Feed("osp-dc", "osp_dc_percent", _percent_of, required=True),
        Feed("osp-iic", "osp_iic_percent", _percent_of, required=True, when=_generation_1),
        Feed("iic-srp", "iic_srp_percent", _percent_of, required=True, when=_generation_2),
    )

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        generation = values["generation"] or 1
        feeds = tuple(feed for feed in self.feeds if feed.applies(values))
        for feed in feeds:
            if (
                values[feed.field] is None
                and feed.field not in ctx.failed_feeds
                and not any(error.field == feed.field for error in errors)
            ):
                name = COMPONENT_NAMES[feed.component]
                errors.append(
                    FieldError(
                        feed.field,
                        MISSING,
                        f"{feed.field} is required: give the {name} percentage, or score RSR "
                        "through the registry "
                        f"with the {name} inputs so it is computed",
                    )
                )
        other = IMAGES_FIELD[3 - generation] if generation in IMAGES_FIELD else None
        if other is not None and values[other] is not None:
            errors.append(
                FieldError(
                    other,
                    "wrong_generation",
                    f"{other} is the images predictor of generation {3 - generation}; generation "
                    f"{generation} adds {IMAGES_FIELD[generation]} instead: leave {other} out",
                )
            )
        if errors:
            return self.error_result(errors)
        female_history = values["sex"] == "female" and values["has_ever_committed_sexual_offence"] is True
        violence = round_half_up(values["serious_non_sexual_violence_percent"])
        components = [(feed, round_half_up(values[feed.field])) for feed in feeds]
        parts = [
            explain(
                "serious_non_sexual_violence_percent",
                values["serious_non_sexual_violence_percent"],
                None,
                "serious non-sexual violence percentage, given"
                + _rounded(values["serious_non_sexual_violence_percent"], violence),
            ),
            *(
                explain(
                    feed.field,
                    values[feed.field],
                    None,
                    self._provenance(feed, ctx) + _rounded(values[feed.field], percent),
                )
                for feed, percent in components
            ),
            explain(
                "female_sexual_history_adjustment",
                female_history,
                None,
                f"a woman with a sexual history: add {FEMALE_SEXUAL_HISTORY_PERCENT}%"
                if female_history
                else "no adjustment (applies only to a woman with a sexual history)",
            ),
        ]
        raw = (
            violence
            + sum(percent for _feed, percent in components)
            + (FEMALE_SEXUAL_HISTORY_PERCENT if female_history else 0.0)
        )
        percent = round_percent(raw)
        return self.result(
            band=band_for_percent(percent, generation),
            points=None,
            probability=round(percent / 100, 4),
            items=tuple(parts),
            extras={"percent": percent, "generation": generation},
            thresholds_version=f"rsr-bands-gen{generation}",
        )

    @staticmethod
    def _provenance(feed: Feed, ctx: Context) -> str:
        name = COMPONENT_NAMES[feed.component]
        if ctx.fed_from.get(feed.field) == feed.component:
            return f"{name} percentage computed from the {name} inputs"
        return f"{name} percentage, given"

    def example_input(self) -> dict[str, Any]:
        return {
            "serious_non_sexual_violence_percent": 1.08,
            "osp_dc_percent": 5.31,
            "osp_iic_percent": 10.31,
            "sex": "male",
            "has_ever_committed_sexual_offence": True,
            "generation": 1,
        }
