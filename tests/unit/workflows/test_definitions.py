"""A workflow declaration that does not hold together is refused when it is made, with the reason."""

from __future__ import annotations

import pytest

from safeguard.workflows.definitions import Reason, State, Transition, Workflow

STATES = (State("open", "Open"), State("review", "In review"), State("closed", "Closed", final=True))


def workflow(*transitions: Transition, states=STATES, **options) -> Workflow:
    return Workflow(name="tests.sample", label="Sample", states=states, initial="open", transitions=transitions,
                    **options)


def step(name="close", source="open", target="closed", **options) -> Transition:
    return Transition(name, source=source, target=target, action="tests.act", label=name.title(), **options)


GOOD = (step("review", target="review"), step("close", source=("open", "review")))


def test_a_sound_declaration_answers_questions_about_itself():
    wf = workflow(*GOOD)
    assert wf.audit_action == "tests.sample.transition"
    assert [t.name for t in wf.outgoing("review")] == ["close"]
    assert wf.find("close", "review").target == "closed"
    assert wf.find("review", "review") is None
    assert wf.label_of("review") == "In review"
    assert wf.choices()[0] == ("open", "Open")
    assert wf.actions() == {"tests.act"}


@pytest.mark.parametrize(
    ("transitions", "options", "problem"),
    [
        ((step(target="gone"), *GOOD), {}, "leads to unknown state 'gone'"),
        ((step(source="nowhere"), *GOOD), {}, "starts from unknown state 'nowhere'"),
        ((step("close"),), {}, "no transition leads to review"),
        ((*GOOD, step("close", source="open", target="review")), {}, "two transitions named 'close' start from 'open'"),
        ((*GOOD, step("reopen", source="closed", target="open")), {}, "leaves final state 'closed'"),
        ((*GOOD, step("stay", source="review", target="review")), {}, "goes from 'review' to itself"),
        ((*GOOD, step("approve", source="review", different_actor_from="ask")), {},
         "different_actor_from names no transition ('ask')"),
        ((*GOOD, step("drop", source="review", reasons=(Reason("x", "X"), Reason("x", "Y")))), {},
         "repeats a reason code"),
        (GOOD, {"audit_action": "tests." + "x" * 40}, "longer than 40 characters"),
        ((*GOOD, step("Bad Name", source="review")), {}, "transition name 'Bad Name'"),
    ],
)
def test_a_declaration_that_does_not_hold_together_is_refused(transitions, options, problem):
    with pytest.raises(ValueError, match="does not hold together") as refused:
        workflow(*transitions, **options)
    assert problem in str(refused.value)


def test_states_must_be_codes_and_the_initial_state_must_exist():
    with pytest.raises(ValueError, match="state code 'In review'"):
        workflow(step(), states=(State("open", "Open"), State("In review", "In review"), State("closed", "Closed")))
    with pytest.raises(ValueError, match="initial state 'open' is not a state"):
        workflow(step(source="review"), states=(State("review", "In review"), State("closed", "Closed")))
