"""The self-assessment: a short questionnaire that suggests self-help modules, whether to offer a
centre appointment, and whether to show the urgent guidance.

It is not a risk assessment. It predicts nothing, scores nothing and uses no actuarial instrument:
each suggestion follows from one or two answers by a rule written here in the open, and the page
shows which answer led to which suggestion. Answers are codes; the words are translated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safeguard.prevention.modules import BY_SLUG, Module


@dataclass(frozen=True)
class Question:
    code: str
    text: Promise
    options: tuple[tuple[str, Promise], ...]
    multiple: bool = False
    hint: Promise | str = ""

    def codes(self) -> set[str]:
        return {code for code, _label in self.options}


QUESTIONS: tuple[Question, ...] = (
    Question(
        "reasons",
        _("What has brought you here?"),
        (
            ("thoughts", _("I have sexual thoughts or feelings about children")),
            ("images", _("I have looked at sexual images of children, or I am worried that I will")),
            ("behaviour", _("I am worried about how I behave with a child in my life")),
            ("someone_else", _("I am worried about someone else")),
            ("unsure", _("I am not sure what is happening to me and want to understand it")),
        ),
        multiple=True,
        hint=_("Choose all that apply."),
    ),
    Question(
        "danger_now",
        _("Could a child be harmed in the next few days, by you or by someone you know?"),
        (("yes", _("Yes")), ("not_sure", _("I am not sure")), ("no", _("No"))),
    ),
    Question(
        "images_now",
        _("Are you looking at sexual images of children at the moment?"),
        (
            ("often", _("Yes, often")),
            ("sometimes", _("Sometimes")),
            ("stopped", _("Not now, but I have in the past")),
            ("never", _("No, never")),
        ),
    ),
    Question(
        "time_with_children",
        _("How often are you alone with children, at home, at work or in your free time?"),
        (("often", _("Often")), ("sometimes", _("Sometimes")), ("never", _("Never"))),
    ),
    Question(
        "coping",
        _("How well are you managing these thoughts or urges at the moment?"),
        (
            ("well", _("Mostly well")),
            ("some_days", _("Well on some days, not on others")),
            ("struggling", _("I am struggling")),
        ),
    ),
    Question(
        "self_harm",
        _("Have you recently had thoughts of harming yourself or ending your life?"),
        (("yes", _("Yes")), ("no", _("No")), ("rather_not_say", _("I would rather not say"))),
    ),
    Question(
        "talk",
        _("Would you like to talk to a therapist at one of our centres?"),
        (("yes", _("Yes")), ("maybe", _("Maybe later")), ("no", _("No"))),
    ),
)
BY_CODE = {q.code: q for q in QUESTIONS}

Answers = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Suggestion:
    """Something the questionnaire suggests, with the answers that led to it, in words."""

    because: tuple[Promise, ...]


@dataclass(frozen=True)
class TriageResult:
    modules: tuple[tuple[Module, tuple[Promise, ...]], ...]
    offer_appointment: Suggestion | None
    show_urgent: Suggestion | None
    answers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def module_slugs(self) -> list[str]:
        return [module.slug for module, _because in self.modules]


class InvalidAnswers(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def clean(raw: Answers) -> dict[str, list[str]]:
    """Every question answered with offered codes (at least one for the multiple-choice one)."""
    answers: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for question in QUESTIONS:
        given = [code for code in raw.get(question.code, ()) if code]
        if not given:
            errors[question.code] = str(
                _("Choose at least one answer") if question.multiple else _("Choose an answer")
            )
            continue
        if any(code not in question.codes() for code in given) or (not question.multiple and len(given) > 1):
            errors[question.code] = str(_("Choose one of the answers offered"))
            continue
        answers[question.code] = list(dict.fromkeys(given))
    if errors:
        raise InvalidAnswers(errors)
    return answers


def _label(question: str, code: str) -> Promise:
    return dict(BY_CODE[question].options)[code]


def suggest(raw: Answers) -> TriageResult:
    """What to suggest for these answers (raises InvalidAnswers when any is missing or unknown)."""
    answers = clean(raw)
    one = {code: values[0] for code, values in answers.items()}
    reasons = set(answers["reasons"])

    modules: dict[str, list[Promise]] = {}

    def add(slug: str, because: Promise) -> None:
        modules.setdefault(slug, []).append(because)

    for reason in ("thoughts", "behaviour", "unsure"):
        if reason in reasons:
            add("understanding-thoughts", _label("reasons", reason))
    if "images" in reasons:
        add("stopping-images", _label("reasons", "images"))
    if one["images_now"] in ("often", "sometimes", "stopped"):
        add("stopping-images", _label("images_now", one["images_now"]))
    if one["time_with_children"] in ("often", "sometimes"):
        add("high-risk-moments", _label("time_with_children", one["time_with_children"]))
    if one["coping"] in ("some_days", "struggling"):
        add("high-risk-moments", _label("coping", one["coping"]))
    if one["self_harm"] in ("yes", "rather_not_say") or one["coping"] == "struggling":
        add("shame-and-low-mood", _label("self_harm", one["self_harm"])
            if one["self_harm"] in ("yes", "rather_not_say") else _label("coping", "struggling"))
    if "someone_else" in reasons:
        add("worried-about-someone", _label("reasons", "someone_else"))
    if reasons - {"someone_else"}:
        add("good-life", _("Everyone who wants to change does better with a life that meets their needs"))

    appointment: list[Promise] = []
    if one["talk"] in ("yes", "maybe"):
        appointment.append(_label("talk", one["talk"]))
    if one["coping"] == "struggling":
        appointment.append(_label("coping", "struggling"))
    if one["images_now"] == "often":
        appointment.append(_label("images_now", "often"))
    if "behaviour" in reasons:
        appointment.append(_label("reasons", "behaviour"))
    if one["danger_now"] in ("yes", "not_sure"):
        appointment.append(_label("danger_now", one["danger_now"]))

    urgent: list[Promise] = []
    if one["danger_now"] in ("yes", "not_sure"):
        urgent.append(_("You said a child could be harmed in the next few days, or that you are not sure"))
    if one["self_harm"] == "yes":
        urgent.append(_("You said you have had thoughts of harming yourself or ending your life"))

    order = [m for m in BY_SLUG if m in modules]
    return TriageResult(
        modules=tuple((BY_SLUG[slug], tuple(modules[slug])) for slug in order),
        offer_appointment=Suggestion(tuple(appointment)) if appointment else None,
        show_urgent=Suggestion(tuple(urgent)) if urgent else None,
        answers=answers,
    )
