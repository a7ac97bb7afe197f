"""The self-help modules: short structured pages with exercises a person can do alone.

Written for this service (no text taken from elsewhere). Each module's words live in its template,
`prevention/public/modules/<slug>.html`, marked for translation like every public page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    title: Promise
    summary: Promise
    minutes: int

    @property
    def template(self) -> str:
        return f"prevention/public/modules/{self.slug}.html"


MODULES = (
    Module("understanding-thoughts", _("Understanding your thoughts"),
           _("Thoughts are not actions. Learn to notice what sets your thoughts off and what you do next."), 15),
    Module("stopping-images", _("Stopping looking at abuse images"),
           _("Why every image harms a real child, and practical steps to stop and stay stopped."), 20),
    Module("high-risk-moments", _("Getting through high-risk moments"),
           _("Recognise the moments when you are most at risk and make a plan for each one."), 20),
    Module("good-life", _("Building a life you want"),
           _("Needs we all have, and small weekly steps towards meeting them in ways that harm no one."), 15),
    Module("shame-and-low-mood", _("Shame, low mood and getting support"),
           _("Looking after yourself when you feel alone, ashamed or hopeless."), 10),
    Module("worried-about-someone", _("Worried about someone else"),
           _("What you can do if you are worried about the thoughts or behaviour of someone you know."), 10),
)
BY_SLUG = {m.slug: m for m in MODULES}
