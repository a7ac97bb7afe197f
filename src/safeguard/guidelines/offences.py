"""The one offence catalogue: the offences of `data/offences.toml`, each named by its lower-case id.

Every part of the platform that names an offence uses these ids: the sentencing engine, conviction
records (`safeguard.people`), the API and the command line (ADR 0023). An offence is added in the data
file and nowhere else. Codes are accepted as written before there was one catalogue (`SOA2003-s9`)
or as the id (`soa2003-s9`), in any case: `normalise_offence_code` is the one place that turns either
spelling into the id, and `canonical_offence_id` also refuses a code the catalogue does not hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from safeguard.guidelines.model import Offence


def offence_catalogue() -> Mapping[str, Offence]:
    """The packaged offences by id, in the data file's order (read once per process)."""
    from safeguard.guidelines.loader import default_library

    return default_library().offences


def offence_label(offence: Offence) -> str:
    """What pages show for an offence: its title and statute, never its id."""
    return f"{offence.title} ({offence.statute})"


def normalise_offence_code(code: str) -> str:
    """The id for an offence code in either spelling: `SOA2003-s9`, `soa2003-s9`, any case, spaces
    around it. Only the spelling changes; whether the id is known is `canonical_offence_id`'s question."""
    return code.strip().lower()


class UnknownOffence(ValueError):
    """An offence code that names no offence of the catalogue (nor any extra id the caller allows)."""

    def __init__(self, code: object, allowed: Iterable[str]) -> None:
        self.code = code
        self.allowed = tuple(allowed)
        super().__init__(f"{code!r} is not a known offence code; allowed: {', '.join(self.allowed)}")


def canonical_offence_id(code: object, *, also: Iterable[str] = ()) -> str:
    """The catalogue id for `code` in either spelling; `also` adds ids a caller keeps outside the legal
    catalogue (conviction records' `other`). Raises `UnknownOffence`, listing the allowed ids."""
    allowed = [*offence_catalogue(), *also]
    if isinstance(code, str):
        candidate = normalise_offence_code(code)
        if candidate in allowed:
            return candidate
    raise UnknownOffence(code, allowed)
