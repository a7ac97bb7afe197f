"""OSP/IIC: the HMPPS predictor of indecent-image and indirect-contact reoffending (both generations)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeguard.instruments.base import Context, Instrument, InstrumentMetadata, TableInfo
from safeguard.instruments.osp_common import (
    HMPPS_SOURCE,
    OSP_EXAMPLE,
    OSP_FIELDS,
    OSP_SCHEMA_RULES,
    check_osp,
)
from safeguard.instruments.result import FieldError, ItemExplanation, Result

# First matching rule wins: (description, band, probability).
RULE_TWO_IMAGES = ("2 or more indecent image sanctions", "high", 0.10310)
RULE_ONE_IMAGE = ("1 indecent image sanction", "medium", 0.03328)
RULE_TWO_CHILD = ("2 or more contact child sexual sanctions", "low", 0.00926)
RULE_ONE_CHILD = ("1 contact child sexual sanction", "low", 0.00634)
RULE_OTHERWISE = ("none of the above", "low", 0.00281)
RULE_OTHERWISE_GEN2_ZERO = (
    "none of the above, and not both non-contact and contact adult sanctions",
    "low",
    0.0,
)

_CACHE_LIMIT = 4096

_NOT_FOR = (
    "women under generation 1 (not applicable)",
    "people with no sexual offending history (not applicable)",
    "predicting direct-contact sexual reoffending (use OSP/DC)",
)


def _match(images: int, child: int, non_contact_and_adult: bool, generation: int) -> tuple[str, str, float]:
    if images >= 2:
        return RULE_TWO_IMAGES
    if images == 1:
        return RULE_ONE_IMAGE
    if child >= 2:
        return RULE_TWO_CHILD
    if child == 1:
        return RULE_ONE_CHILD
    if generation == 2 and not non_contact_and_adult:
        return RULE_OTHERWISE_GEN2_ZERO
    return RULE_OTHERWISE


class _IicBase(Instrument):
    input_fields = OSP_FIELDS
    schema_rules = OSP_SCHEMA_RULES
    generation = 1

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[tuple[int, int, bool], tuple[str, float, tuple[ItemExplanation, ...]]] = {}

    def _outcome(self, values: dict[str, Any]) -> tuple[str, float, tuple[ItemExplanation, ...]]:
        images = values["indecent_image_sanctions"]
        child = values["contact_child_sexual_sanctions"]
        both = bool(values["non_contact_sexual_offences"] and values["contact_adult_sexual_sanctions"])
        key = (images, child, both)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        rule, band, probability = _match(images, child, both, self.generation)
        reached_child_rules = images == 0
        items = [
            ItemExplanation(
                "indecent_image_sanctions",
                images,
                None,
                f"{images} indecent image sanction(s): "
                + (
                    f"rule '{rule}' gives {band}, {probability:.3%}"
                    if not reached_child_rules
                    else "no image rule applies"
                ),
            ),
            ItemExplanation(
                "contact_child_sexual_sanctions",
                child,
                None,
                (
                    f"{child} contact child sexual sanction(s): "
                    + (f"rule '{rule}' gives {band}, {probability:.3%}" if child else "no child rule applies")
                )
                if reached_child_rules
                else "not reached: an image rule already applied",
            ),
        ]
        if reached_child_rules and child == 0:
            items.append(
                ItemExplanation("otherwise", None, None, f"rule '{rule}' gives {band}, {probability:.3%}")
            )
        outcome = (band, probability, tuple(items))
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[key] = outcome
        return outcome

    def evaluate(self, data: Mapping[str, object], ctx: Context, errors: list[FieldError]) -> Result:
        values = self.fieldset.read(data, errors)
        facts = check_osp(tuple(values.values()), errors, ctx.today)
        if errors:
            return self.error_result(errors)
        if self.generation == 2 and values["sex"] == "female" and values["has_ever_committed_sexual_offence"]:
            item = ItemExplanation(
                "sex", "female", None, "generation 2: a woman with a sexual history scores low, 0%"
            )
            return self.result(band="low", points=None, probability=0.0, items=(item,))
        if not facts.applicable:
            return self.not_applicable(facts.reason or "OSP/IIC does not apply", probability=0.0)
        band, probability, items = self._outcome(values)
        return self.result(band=band, points=None, probability=probability, items=items)

    def example_input(self) -> dict[str, Any]:
        return dict(OSP_EXAMPLE)


class OspIic(_IicBase):
    meta = InstrumentMetadata(
        id="osp-iic",
        name=(
            "OSP/IIC (OASys Sexual reoffending Predictor, indecent images and indirect contact), generation 1"
        ),
        model_version="osp-iic-1",
        thresholds_version="osp-iic-1",
        source=HMPPS_SOURCE,
        tables=(
            TableInfo(
                "rules",
                "first-match rules, bands and probabilities (generation 1)",
                "verified",
                "HMPPS ARNS risk-actuarial service (open-source implementation)",
                HMPPS_SOURCE,
                "1",
            ),
        ),
        population="Men aged 18 or over with at least one sanctioned sexual offence, assessed by HMPPS.",
        not_for=_NOT_FOR,
        reassessment_months=None,
        reassessment_note="Rescore when a new sanction is recorded and at each OASys review.",
        bands=("low", "medium", "high", "not_applicable"),
        points_range=None,
        gives_probability=True,
        known_limits=(
            "Five fixed outcomes only: it ranks by image and child-contact history and nothing else.",
        ),
    )


class IicSrp(_IicBase):
    generation = 2
    meta = InstrumentMetadata(
        id="iic-srp",
        name="IIC-SRP (indecent images and indirect contact sexual reoffending predictor), generation 2",
        model_version="iic-srp-2",
        thresholds_version="iic-srp-2",
        source=HMPPS_SOURCE,
        tables=(
            TableInfo(
                "rules",
                "first-match rules, bands and probabilities (generation 2)",
                "verified",
                "HMPPS ARNS risk-actuarial service (open-source implementation)",
                HMPPS_SOURCE,
                "2",
            ),
        ),
        population="People aged 18 or over with at least one sanctioned sexual offence, assessed by HMPPS.",
        not_for=_NOT_FOR[1:],
        reassessment_months=None,
        reassessment_note="Rescore when a new sanction is recorded and at each OASys review.",
        bands=("low", "medium", "high", "not_applicable"),
        points_range=None,
        gives_probability=True,
        known_limits=("A woman with a sexual history is always low with probability 0 in this generation.",),
    )
