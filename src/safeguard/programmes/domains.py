"""The progress domains a facilitator rates at the end of each module, with behavioural anchors.

Six domains, from what the field describes (specs/programmes.md): engagement; understanding of
one's own offending; victim empathy; the "degree of regret, sadness or concern" shown; "reflective
capacity" (interest in thinking about the offence and why it happened); and self-management with
the relapse-prevention plan. Each is rated 1 to 4, and each rating has an anchor: what the
facilitator saw that earns it. The anchors are Safeguard's own wording, written to be observable
(what the person did or said in sessions and homework), not a judgement of the person; they are not
a validated scale and must not be scored or added up as one. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALE: dict[int, str] = {1: "Not yet", 2: "Beginning", 3: "Developing", 4: "Established"}


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    question: str
    anchors: dict[int, str]


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "engagement", "Engagement", "How does the person take part in sessions and homework?",
        {
            1: "Attends but rarely speaks unless asked; homework missing or not attempted.",
            2: "Answers when asked and attempts some homework, mostly briefly.",
            3: "Joins discussions without being asked and completes most homework with some thought.",
            4: "Takes part readily, supports others' work in the group and completes homework thoughtfully.",
        },
    ),
    Domain(
        "understanding", "Understanding of own offending",
        "How well can the person describe their own offending and what led to it?",
        {
            1: "Describes the offence only in minimal terms or as something that happened to them.",
            2: "Describes what they did, with gaps or blaming circumstances for much of it.",
            3: "Describes the sequence of events and their own choices, with some links to thoughts and feelings.",
            4: "Gives a full account of their choices and the thoughts, feelings and situations that led to them.",
        },
    ),
    Domain(
        "victim_empathy", "Victim empathy",
        "Does the person recognise the harm done and the people harmed?",
        {
            1: "Does not mention the people harmed, or says no one was harmed.",
            2: "Accepts in general terms that harm was done when it is raised.",
            3: "Talks about the harm to the people affected in their own words and without prompting.",
            4: "Describes the lasting harm from the position of the people affected and links it to their own actions.",
        },
    ),
    Domain(
        "regret", "Regret, sadness or concern",
        "What degree of regret, sadness or concern does the person show about the offence?",
        {
            1: "Shows concern only about the consequences for themselves.",
            2: "Expresses regret, mostly in general or rehearsed terms.",
            3: "Shows sadness or concern about what they did and who was harmed, in their own words.",
            4: "Shows sustained regret and concern for others that is consistent across sessions and homework.",
        },
    ),
    Domain(
        "reflective_capacity", "Reflective capacity",
        "Is the person curious about why they offended?",
        {
            1: "Shows no interest in why the offence happened ('it just did').",
            2: "Considers reasons when asked, but does not pursue them.",
            3: "Asks questions about their own reasons and tries out explanations in discussion.",
            4: "Reflects on their reasons unprompted and uses what they learn to explain changes in themselves.",
        },
    ),
    Domain(
        "self_management", "Self-management and the relapse-prevention plan",
        "Can the person manage risky feelings and situations, and do they have a plan?",
        {
            1: "Cannot yet name their warning signs; no plan.",
            2: "Names some warning signs; a plan is started but general.",
            3: "Has a specific plan with warning signs, strategies and supporters, and has tried some strategies.",
            4: "Uses the plan in daily life, can describe times it worked, and keeps it up to date.",
        },
    ),
)
CODES: tuple[str, ...] = tuple(d.code for d in DOMAINS)


def domain(code: str) -> Domain:
    for d in DOMAINS:
        if d.code == code:
            return d
    raise KeyError(code)
