"""A workflow declared as data: states, the transitions between them, the policy action each
transition needs, the reasons it asks for, and the two-person rule. Pure Python, no Django.

    REFERRAL = Workflow(
        name="programmes.referral",
        label="Programme referral",
        states=(State("submitted", "Submitted"), State("withdrawn", "Withdrawn", final=True), ...),
        initial="draft",
        transitions=(
            Transition("withdraw", source=("submitted", "awaiting_assessment"), target="withdrawn",
                       action=Action.REFERRAL_WITHDRAW, label="Withdraw", reasons=WITHDRAWAL_REASONS),
            ...
        ),
    )

Who may make a transition is never written here: each transition names a policy action, and
`safeguard.policy` decides which roles hold it and which records it reaches (docs/decisions/0011).
A declaration that does not hold together (an unknown state, a state nothing leads to, two
transitions with the same name from one state) raises ValueError when the module is imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"[a-z][a-z0-9_]*")
MAX_CODE = 40  # the history table's column width
MAX_AUDIT_ACTION = 40  # the audit log's column width


@dataclass(frozen=True)
class State:
    code: str
    label: str
    final: bool = False
    description: str = ""


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    needs_text: bool = False  # e.g. "Other": the person must say what in words


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    target: str
    action: str
    label: str
    reasons: tuple[Reason, ...] = ()
    requires_text: bool = False
    # The two-person rule: the person making this transition must not be the person who made the
    # latest `different_actor_from` transition of the same record (e.g. "approve" after "request").
    different_actor_from: str | None = None
    description: str = ""

    def __init__(
        self,
        name: str,
        *,
        source: str | tuple[str, ...],
        target: str,
        action: str,
        label: str,
        reasons: tuple[Reason, ...] = (),
        requires_text: bool = False,
        different_actor_from: str | None = None,
        description: str = "",
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", (source,) if isinstance(source, str) else tuple(source))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "reasons", tuple(reasons))
        object.__setattr__(self, "requires_text", requires_text)
        object.__setattr__(self, "different_actor_from", different_actor_from)
        object.__setattr__(self, "description", description)

    def reason(self, code: str) -> Reason | None:
        return next((r for r in self.reasons if r.code == code), None)


@dataclass(frozen=True)
class Workflow:
    name: str
    label: str
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    state_field: str = "state"
    audit_action: str = ""

    def __post_init__(self) -> None:
        if not self.audit_action:
            object.__setattr__(self, "audit_action", f"{self.name}.transition")
        problems = list(self._problems())
        if problems:
            raise ValueError(f"workflow {self.name!r} does not hold together: " + "; ".join(problems))

    def _problems(self) -> list[str]:
        problems: list[str] = []
        codes = [s.code for s in self.states]
        for code in codes:
            if not _CODE.fullmatch(code) or len(code) > MAX_CODE:
                problems.append(f"state code {code!r} must be lower-case letters, digits and _ (at most {MAX_CODE})")
        if len(set(codes)) != len(codes):
            problems.append("state codes repeat")
        known = set(codes)
        final = {s.code for s in self.states if s.final}
        if self.initial not in known:
            problems.append(f"initial state {self.initial!r} is not a state")
        if len(self.audit_action) > MAX_AUDIT_ACTION:
            problems.append(f"audit action {self.audit_action!r} is longer than {MAX_AUDIT_ACTION} characters")
        names = {t.name for t in self.transitions}
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if not _CODE.fullmatch(t.name) or len(t.name) > MAX_CODE:
                problems.append(f"transition name {t.name!r} must be lower-case letters, digits and _")
            if not t.action:
                problems.append(f"transition {t.name!r} names no policy action")
            if not t.source:
                problems.append(f"transition {t.name!r} has no source state")
            for source in t.source:
                if source not in known:
                    problems.append(f"transition {t.name!r} starts from unknown state {source!r}")
                if source in final:
                    problems.append(f"transition {t.name!r} leaves final state {source!r}")
                if source == t.target:
                    problems.append(f"transition {t.name!r} goes from {source!r} to itself")
                if (t.name, source) in seen:
                    problems.append(f"two transitions named {t.name!r} start from {source!r}")
                seen.add((t.name, source))
            if t.target not in known:
                problems.append(f"transition {t.name!r} leads to unknown state {t.target!r}")
            reason_codes = [r.code for r in t.reasons]
            if len(set(reason_codes)) != len(reason_codes):
                problems.append(f"transition {t.name!r} repeats a reason code")
            for code in reason_codes:
                if not _CODE.fullmatch(code) or len(code) > MAX_CODE:
                    problems.append(f"reason code {code!r} of {t.name!r} must be lower-case letters, digits and _")
            if t.different_actor_from is not None and t.different_actor_from not in names:
                problems.append(
                    f"transition {t.name!r}: different_actor_from names no transition ({t.different_actor_from!r})"
                )
        reachable = {self.initial}
        frontier = [self.initial]
        while frontier:
            state = frontier.pop()
            for t in self.transitions:
                if state in t.source and t.target not in reachable:
                    reachable.add(t.target)
                    frontier.append(t.target)
        unreachable = [code for code in codes if code not in reachable]
        if unreachable and self.initial in known:
            problems.append(f"no transition leads to {', '.join(unreachable)}")
        return problems

    def state(self, code: str) -> State:
        for state in self.states:
            if state.code == code:
                return state
        raise KeyError(code)

    def label_of(self, code: str) -> str:
        try:
            return self.state(code).label
        except KeyError:
            return code

    def outgoing(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def find(self, name: str, state: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name and state in t.source), None)

    def named(self, name: str) -> list[Transition]:
        return [t for t in self.transitions if t.name == name]

    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}

    def choices(self) -> list[tuple[str, str]]:
        """For the state column of the app's model: `CharField(max_length=40, choices=WF.choices())`."""
        return [(s.code, s.label) for s in self.states]
