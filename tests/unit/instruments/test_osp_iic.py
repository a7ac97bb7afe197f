"""OSP/IIC first-match rules for both generations."""

from __future__ import annotations

import pytest

from safeguard.instruments import registry

from .conftest import AS_OF, osp_row

COUNTS = (
    "contact_adult_sexual_sanctions",
    "contact_child_sexual_sanctions",
    "non_contact_sexual_offences",
    "indecent_image_sanctions",
)


def score(instrument: str, adult: int, child: int, non_contact: int, images: int, **changes: object):  # type: ignore[no-untyped-def]
    values = dict(zip(COUNTS, (adult, child, non_contact, images), strict=True))
    return registry.score(instrument, osp_row(**values, **changes), today=AS_OF)


@pytest.mark.parametrize(
    ("counts", "band", "probability"),
    [
        ((0, 0, 0, 2), "high", 0.10310),
        ((3, 3, 3, 5), "high", 0.10310),
        ((0, 0, 0, 1), "medium", 0.03328),
        ((2, 5, 0, 1), "medium", 0.03328),
        ((0, 2, 0, 0), "low", 0.00926),
        ((1, 1, 0, 0), "low", 0.00634),
        ((1, 0, 0, 0), "low", 0.00281),
        ((0, 0, 1, 0), "low", 0.00281),
        ((1, 0, 1, 0), "low", 0.00281),
    ],
)
def test_generation_1_rules(counts: tuple[int, int, int, int], band: str, probability: float) -> None:
    result = score("osp-iic", *counts, total_sanctions=30)
    assert result.errors == ()
    assert (result.band, result.probability, result.points) == (band, probability, None)


@pytest.mark.parametrize(
    ("counts", "band", "probability"),
    [
        ((0, 0, 0, 2), "high", 0.10310),
        ((0, 0, 0, 1), "medium", 0.03328),
        ((0, 2, 0, 0), "low", 0.00926),
        ((0, 1, 0, 0), "low", 0.00634),
        ((1, 0, 1, 0), "low", 0.00281),
        ((1, 0, 0, 0), "low", 0.0),
        ((0, 0, 1, 0), "low", 0.0),
    ],
)
def test_generation_2_rules(counts: tuple[int, int, int, int], band: str, probability: float) -> None:
    result = score("iic-srp", *counts)
    assert (result.band, result.probability) == (band, probability)


def test_female_not_applicable_in_generation_1_but_low_zero_in_generation_2() -> None:
    first = score("osp-iic", 1, 0, 0, 0, sex="female")
    second = score("iic-srp", 1, 0, 0, 0, sex="female")
    assert (first.band, first.probability) == ("not_applicable", 0.0)
    assert (second.band, second.probability) == ("low", 0.0)


def test_same_validation_as_osp_dc() -> None:
    result = score("osp-iic", 0, 0, 0, 0)
    assert [(e.field, e.code) for e in result.errors] == [
        ("has_ever_committed_sexual_offence", "no_sexual_sanctions")
    ]
