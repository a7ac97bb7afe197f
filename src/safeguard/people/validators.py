"""Format checks for identifiers held on person records."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# Police National Computer number: 2- or 4-digit year, a slash, up to 7 digits, a check letter.
PNC_PATTERN = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-Z]$")
# UK postcode, outward and inward parts (format only).
POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")


def validate_pnc(value: str) -> None:
    if not PNC_PATTERN.match(value):
        raise ValidationError(
            "Enter a PNC number in the format YYYY/NNNNNNNA or YY/NNNNNNNA, "
            "for example 2019/0012345X",
            code="pnc_format",
        )


def validate_postcode(value: str) -> None:
    if not POSTCODE_PATTERN.match(value.upper()):
        raise ValidationError(
            "Enter a real postcode, like AA1 1AA", code="postcode_format"
        )


def normalise_pnc(value: str) -> str:
    return value.strip().upper()
