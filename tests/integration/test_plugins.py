"""The shell's plug-in points and the policy's registration: apps add, the shell asks, the policy decides."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Q

from safeguard import policy
from safeguard.core import due, plugins
from safeguard.policy import Action


@pytest.fixture
def clean_registries(monkeypatch):
    monkeypatch.setattr(plugins, "_NAV", {})
    monkeypatch.setattr(plugins, "_PANELS", {})
    monkeypatch.setattr(plugins, "_SECTIONS", {})
    monkeypatch.setattr(due, "_PROVIDERS", {})
    monkeypatch.setattr(policy, "GRANTS", dict(policy.GRANTS))
    monkeypatch.setattr(policy, "_SCOPES", dict(policy._SCOPES))
    monkeypatch.setattr(policy, "_REGISTERED_ACTIONS", set())


def test_a_registered_panel_shows_only_for_roles_granted_its_action_and_only_with_content(db, world, clean_registries):
    policy.register(actions=["demo.panel.view"], grants={"demo.panel.view": lambda kind, role: kind == "probation"})
    plugins.register_panel(plugins.DashboardPanel("demo", "demo.html", "demo.panel.view", lambda actor: {"n": 3}))
    plugins.register_panel(plugins.DashboardPanel("empty", "e.html", "demo.panel.view", lambda actor: None))
    shown = plugins.dashboard_panels(world.actor("prob_prac"))
    assert [(p.name, dict(p.context)) for p in shown] == [("demo", {"n": 3})]
    assert plugins.dashboard_panels(world.actor("police_prac")) == []


def test_nav_entries_follow_the_policy_and_their_order(db, world, clean_registries):
    plugins.register_nav(plugins.NavEntry("Later", "core:home", Action.DASHBOARD_VIEW, order=20))
    plugins.register_nav(plugins.NavEntry("Audit", "audit:list", Action.AUDIT_VIEW, order=10))
    assert [e.label for e in plugins.nav_entries(world.actor("prob_prac"))] == ["Later"]
    assert [e.label for e in plugins.nav_entries(world.actor("auditor"))] == ["Audit", "Later"]
    assert plugins.nav_entries(None) == []


def test_registering_twice_differently_is_refused(clean_registries):
    plugins.register_nav(plugins.NavEntry("A", "core:home", Action.DASHBOARD_VIEW))
    plugins.register_nav(plugins.NavEntry("A", "core:home", Action.DASHBOARD_VIEW))  # same entry: fine
    with pytest.raises(ValueError, match="already registered"):
        plugins.register_nav(plugins.NavEntry("B", "core:home", Action.DASHBOARD_VIEW))
    with pytest.raises(ValueError, match="width"):
        plugins.register_panel(plugins.DashboardPanel("w", "t.html", Action.DASHBOARD_VIEW, lambda a: {}, width="half"))


def test_policy_registration_cannot_take_an_existing_action_or_scope(clean_registries):
    with pytest.raises(ValueError, match="already registered"):
        policy.register(actions=[Action.PERSON_VIEW])
    with pytest.raises(ValueError, match="does not list"):
        policy.register(actions=["x.y"], grants={"x.z": lambda kind, role: True})
    with pytest.raises(ValueError, match="already has a scope"):
        policy.register(actions=["x.w"], scopes={"people.Person": lambda actor: Q()})
    assert "x.y" not in policy.known_actions()


def test_due_items_come_from_allowed_providers_most_urgent_first_and_bounded(db, world, clean_registries):
    policy.register(actions=["demo.due"], grants={"demo.due": lambda kind, role: kind == "probation"})

    def items(query):
        return [
            due.DueItem(f"k{n}", "demo", f"Item {n}", "because", date(2026, 6, n), "/x", reference=f"R{n}")
            for n in (5, 1, 3)
        ]

    due.register(due.DueProvider("demo", "Demo", "demo.due", items))
    query = due.DueQuery(actor=world.actor("prob_prac"), today=date(2026, 6, 3), limit=2)
    found = due.due_items(query)
    assert [i.key for i in found] == ["k1", "k3"]
    assert [i.status(query.today) for i in found] == ["overdue", "today"]
    assert due.due_items(due.DueQuery(actor=world.actor("police_prac"), today=date(2026, 6, 3))) == []


def test_the_dashboard_and_person_page_draw_registered_panels_and_sections(world, as_user, clean_registries, settings, tmp_path):
    (tmp_path / "plug_panel.html").write_text('<p data-testid="plug">Panel for {{ who }} <b>{{ unsafe }}</b></p>')
    (tmp_path / "plug_section.html").write_text('<p data-testid="plug-section">Section for {{ person.reference }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    plugins.register_panel(plugins.DashboardPanel(
        "plug", "plug_panel.html", Action.PERSON_VIEW, lambda actor: {"who": actor.user.username, "unsafe": "<script>"}
    ))
    plugins.register_person_section(plugins.PersonSection(
        "plug", "plug_section.html", Action.PERSON_VIEW, lambda actor, person: {}
    ))
    client = as_user("prob_prac")
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="plugin-panels"' in page and "Panel for" in page
    assert "&lt;script&gt;" in page and "<script>" not in page.split("Panel for")[1].split("</p>")[0]
    person = world.persons["probation"]
    detail = client.get(f"/people/{person.pk}/").content.decode()
    assert f"Section for {person.reference}" in detail
    assert "Panel for" not in as_user("auditor").get("/dashboard/").content.decode()
