"""Kinds of outcome, offence types, follow-up start and end reasons, programme status, ethnic group."""

from django.db import models


class OutcomeKind(models.TextChoices):
    CHARGE = "charge", "New charge"
    CONVICTION = "conviction", "Conviction"
    CAUTION = "caution", "Caution"
    RECALL = "recall", "Recall to custody"


class OffenceType(models.TextChoices):
    SEXUAL_CONTACT = "sexual_contact", "Sexual offence (contact)"
    SEXUAL_NON_CONTACT = "sexual_non_contact", "Sexual offence (non-contact)"
    IMAGE = "image", "Indecent image offence"
    VIOLENT = "violent", "Violent offence"
    OTHER = "other", "Other offence"


SEXUAL_TYPES = (OffenceType.SEXUAL_CONTACT, OffenceType.SEXUAL_NON_CONTACT, OffenceType.IMAGE)


class OutcomeMeasure(models.TextChoices):
    """What counts as the outcome in an analysis."""

    SEXUAL = "sexual", "Any sexual offence (contact, non-contact or image)"
    SEXUAL_CONTACT = "sexual_contact", "Contact sexual offence"
    VIOLENT_OR_SEXUAL = "violent_or_sexual", "Violent or sexual offence"
    ANY = "any", "Any offence"


MEASURE_TYPES: dict[str, tuple[str, ...]] = {
    OutcomeMeasure.SEXUAL: tuple(SEXUAL_TYPES),
    OutcomeMeasure.SEXUAL_CONTACT: (OffenceType.SEXUAL_CONTACT,),
    OutcomeMeasure.VIOLENT_OR_SEXUAL: (*SEXUAL_TYPES, OffenceType.VIOLENT),
    OutcomeMeasure.ANY: tuple(OffenceType.values),
}


class CountedKinds(models.TextChoices):
    """Which records count as the outcome happening."""

    CHARGE_OR_PROVEN = "charge_or_proven", "New charge, conviction or caution"
    PROVEN = "proven", "Conviction or caution (proven reoffending)"
    ANY_INCLUDING_RECALL = "any", "Any of these, or a recall to custody"


COUNTED_KINDS: dict[str, tuple[str, ...]] = {
    CountedKinds.CHARGE_OR_PROVEN: (OutcomeKind.CHARGE, OutcomeKind.CONVICTION, OutcomeKind.CAUTION),
    CountedKinds.PROVEN: (OutcomeKind.CONVICTION, OutcomeKind.CAUTION),
    CountedKinds.ANY_INCLUDING_RECALL: tuple(OutcomeKind.values),
}


class StartReason(models.TextChoices):
    RELEASE = "release", "Release from custody"
    ORDER_START = "order_start", "Start of a community order"


class EndReason(models.TextChoices):
    DEATH = "death", "Death"
    EMIGRATION = "emigration", "Emigration"


class ProgrammeStatus(models.TextChoices):
    """The cohort split of a programme evaluation."""

    COMPLETED = "completed", "Completed the programme"
    STARTED = "started_not_completed", "Started, did not complete"
    NOT_REFERRED = "not_referred", "Not referred"
    UNKNOWN = "", "Not known"


class EthnicGroup(models.TextChoices):
    """The five high-level ethnic groups of the England and Wales census, and "not recorded"."""

    WHITE = "white", "White"
    BLACK = "black", "Black, Black British, Caribbean or African"
    ASIAN = "asian", "Asian or Asian British"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    OTHER = "other", "Other ethnic group"
    NOT_RECORDED = "not_recorded", "Not recorded"


class Source(models.TextChoices):
    ENTERED = "entered", "Entered in Safeguard"
    IMPORTED = "imported", "Imported from a file"
