"""Demo data: the guideline editor sign-in and one worked sentencing case, loaded once."""

from __future__ import annotations

from safeguard import demo
from safeguard.accounts.models import Membership
from safeguard.courts.demo import TITLE
from safeguard.courts.models import SentencingCase
from safeguard.courts.presenters import comparison


def test_demo_has_a_guideline_editor_and_a_calculated_case(db):
    demo.load(count=10)
    demo.load(count=10)
    editor = Membership.objects.get(user__username="guideline.editor")
    assert editor.role == "guideline_editor" and editor.agency.name == "Demo Crown Court"
    case = SentencingCase.objects.get(title=TITLE)
    assert case.agency.name == "Demo Crown Court" and case.person is None
    scenarios = list(case.scenarios.all())
    assert [s.problems for s in scenarios] == [[], [], []]
    assert [s.proposed for s in scenarios] == [False, True, False]
    rows = comparison(scenarios)
    assert rows[0].sentence == "8 months' custody"
    assert rows[1].sentence.startswith("8 months' custody, suspended")
    assert rows[1].treatment == ["Programme requirement (accredited programme) (suspended sentence order)"]
    assert scenarios[1].request["suspension"]["requirements"] == [
        {"type": "programme"},
        {"type": "rehabilitation_activity"},
    ]
    assert rows[2].treatment == ["Programme requirement (accredited programme)"]
    assert rows[1].notification.startswith("10 years") and rows[2].notification.startswith("5 years")
