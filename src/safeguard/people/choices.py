"""Offences and disposals for conviction records.

The offences are the one offence catalogue's (`safeguard.guidelines.offences`, from the guideline data
file `offences.toml`; ADR 0023), named by title and statute, plus "Other offence" for a conviction the
catalogue does not name. A conviction stores the catalogue id (`soa2003-s9`).
"""

from django.db import models

from safeguard.guidelines.offences import canonical_offence_id, offence_catalogue, offence_label

# A conviction for an offence the catalogue does not name. It stays a choice of conviction records
# only: it has no statute, so it does not belong in a legal catalogue whose every entry the sentencing
# engine and the notification rules would otherwise offer as an offence they know.
OTHER_OFFENCE = "other"
OTHER_OFFENCE_LABEL = "Other offence"


def offence_choices() -> list[tuple[str, str]]:
    """Every offence of the catalogue as (id, "Title (Statute)") in the data file's order, then other.

    The model field takes this function itself, so migrations name it rather than copy the list: adding
    an offence to `offences.toml` needs no migration."""
    return [(o.id, offence_label(o)) for o in offence_catalogue().values()] + [
        (OTHER_OFFENCE, OTHER_OFFENCE_LABEL)
    ]


def offence_id(code: object) -> str:
    """A conviction's offence code in either spelling (`SOA2003-s9`, `soa2003-s9`, `OTHER`, any case)
    as stored; raises `UnknownOffence` (a ValueError) naming the allowed ids."""
    return canonical_offence_id(code, also=(OTHER_OFFENCE,))


class Disposal(models.TextChoices):
    IMMEDIATE_CUSTODY = "immediate_custody", "Immediate custody"
    SUSPENDED_SENTENCE = "suspended_sentence", "Suspended sentence order"
    COMMUNITY_ORDER = "community_order", "Community order"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
    FINE = "fine", "Fine"
    CAUTION = "caution", "Caution"
    HOSPITAL_ORDER = "hospital_order", "Hospital order"


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NOT_RECORDED = "not_recorded", "Not recorded"
