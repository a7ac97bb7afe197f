"""Offence catalogue and disposals for conviction records.

Offences are named by their legal title and statutory reference only.
"""

from django.db import models


class Offence(models.TextChoices):
    SOA03_S9 = "SOA2003-s9", "Sexual activity with a child (Sexual Offences Act 2003 s.9)"
    SOA03_S10 = (
        "SOA2003-s10",
        "Causing or inciting a child to engage in sexual activity (Sexual Offences Act 2003 s.10)",
    )
    SOA03_S11 = (
        "SOA2003-s11",
        "Engaging in sexual activity in the presence of a child (Sexual Offences Act 2003 s.11)",
    )
    SOA03_S14 = (
        "SOA2003-s14",
        "Arranging or facilitating commission of a child sex offence (Sexual Offences Act 2003 s.14)",
    )
    SOA03_S15 = (
        "SOA2003-s15",
        "Meeting a child following sexual grooming etc. (Sexual Offences Act 2003 s.15)",
    )
    PCA78_S1 = (
        "PCA1978-s1",
        "Making an indecent photograph of a child (Protection of Children Act 1978 s.1)",
    )
    CJA88_S160 = (
        "CJA1988-s160",
        "Possession of an indecent photograph of a child (Criminal Justice Act 1988 s.160)",
    )
    OTHER = "OTHER", "Other offence"


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
