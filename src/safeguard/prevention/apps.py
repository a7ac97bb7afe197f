from django.apps import AppConfig


class PreventionConfig(AppConfig):
    """The prevention service: sealed. No other app imports it except through `ports.py`."""

    name = "safeguard.prevention"
    label = "prevention"
    verbose_name = "Prevention service"

    def ready(self) -> None:
        from safeguard.audit import actions
        from safeguard.core import due, plugins
        from safeguard.prevention import dashboard, demo
        from safeguard.prevention import due as prevention_due
        from safeguard.prevention.policies import ACTION_WORDS, PreventionAction

        actions.register(
            {**ACTION_WORDS, **EVENT_WORDS},
            records={
                "prevention.Conversation": "Prevention conversation",
                "prevention.ContactRecord": "Prevention contact",
                "prevention.CentreReferral": "Centre referral",
                "prevention.Disclosure": "Safeguarding disclosure",
                "prevention.ReplyTemplate": "Reply template",
                "prevention.CentreProfile": "Centre's public details",
            },
        )
        for entry in (
            plugins.NavEntry("Inbox", "prevention:inbox", PreventionAction.CONVERSATION_VIEW, order=20),
            plugins.NavEntry("Contact log", "prevention:contacts", PreventionAction.CONTACT_VIEW, order=21),
            plugins.NavEntry("Waiting list", "prevention:waiting-list", PreventionAction.REFERRAL_MANAGE, order=22),
            plugins.NavEntry("Statistics", "prevention:statistics", PreventionAction.STATISTICS_VIEW, order=23),
            plugins.NavEntry("Disclosures", "prevention:disclosures", PreventionAction.DISCLOSURE_REGISTER, order=24),
        ):
            plugins.register_nav(entry)
        plugins.register_panel(dashboard.PANEL)
        due.register(prevention_due.PROVIDER)
        plugins.register_demo(demo.LOADER)


EVENT_WORDS = {
    "prevention.help.start": "Help-seeker started a conversation",
    "prevention.help.return": "Help-seeker returned to a conversation",
    "prevention.help.return_failed": "Help-seeker return refused (code or passphrase)",
    "prevention.help.read": "Help-seeker read their conversation",
    "prevention.help.message": "Help-seeker wrote a message",
    "prevention.help.leave": "Help-seeker left the conversation",
    "prevention.help.referral": "Help-seeker asked for a centre appointment",
    "prevention.help.appointment": "Help-seeker answered an appointment offer",
    "prevention.help.share_assessment": "Help-seeker shared a self-assessment",
    "prevention.inbox.view": "View the prevention inbox",
    "prevention.conversation.read": "Read a prevention conversation",
    "prevention.conversation.reply": "Reply in a prevention conversation",
    "prevention.conversation.assign": "Assign a prevention conversation",
    "prevention.conversation.close": "Close a prevention conversation",
    "prevention.note.add": "Add an internal note to a prevention conversation",
    "prevention.triage.record": "Record a self-assessment with a help-seeker",
    "prevention.contact.list": "List the prevention contact log",
    "prevention.contact.create": "Record a contact in the prevention contact log",
    "prevention.referral.create": "Refer a help-seeker to a centre",
    "prevention.referral.list": "View a centre's waiting list",
    "prevention.referral.view": "View a centre referral",
    "prevention.referral.update": "Change a centre referral",
    "prevention.course.enrol": "Enrol a pseudonym on the prevention course",
    "prevention.statistics.view": "View prevention service statistics",
    "prevention.statistics.aggregate": "Prevention aggregates read by another app",
    "prevention.template.create": "Add a reply template",
    "prevention.template.retire": "Retire a reply template",
    "prevention.centre.update": "Centre's public details changed",
    "prevention.disclosure.create": "Write a safeguarding disclosure request",
    "prevention.disclosure.view": "View a safeguarding disclosure",
    "prevention.disclosure.transition": "Safeguarding disclosure step (request, decision, release)",
    "prevention.retention": "Prevention records deleted after retention",
}
