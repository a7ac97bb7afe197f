"""Translations: public pages in English and German by address, no cookie, and catalogues that are
complete and compiled."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation.template import templatize

import safeguard

PACKAGE = Path(safeguard.__file__).parent
PO = PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def about(language: str, client: Client | None = None, **headers):
    return (client or Client()).get(reverse("public:about", kwargs={"language": language}), **headers)


def test_the_same_page_in_english_and_german():
    english, german = about("en"), about("de")
    assert english.status_code == german.status_code == 200
    en, de = english.content.decode(), german.content.decode()
    assert '<html lang="en"' in en and '<html lang="de"' in de
    assert (english["Content-Language"], german["Content-Language"]) == ("en", "de")
    assert "<h1 class=\"govuk-heading-l\">About this service</h1>" in en
    assert "<h1 class=\"govuk-heading-l\">Über diesen Dienst</h1>" in de
    assert "Safeguard ist eine gemeinsame Plattform" in de and "rufen Sie den Polizeinotruf an" in de
    assert "About this service" not in de and "Über diesen Dienst" not in en


def test_the_language_switch_links_the_same_page_in_the_other_language():
    en = about("en").content.decode()
    switch = en.split('data-testid="language-switch"')[1].split("</nav>")[0]
    assert '<span aria-current="true">English</span>' in switch
    assert 'href="/de/about" hreflang="de" lang="de"' in switch
    de = about("de").content.decode().split('data-testid="language-switch"')[1].split("</nav>")[0]
    assert 'href="/en/about" hreflang="en"' in de and '<span aria-current="true">Deutsch</span>' in de


@pytest.mark.parametrize("language", ["en", "de"])
def test_public_pages_set_no_cookie_and_load_nothing_from_elsewhere(language):
    client = Client()
    response = about(language, client, HTTP_ACCEPT_LANGUAGE="fr")
    assert not response.cookies  # what the WSGI handler would send as Set-Cookie headers
    assert not client.cookies
    page = response.content.decode()
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', page)
    assert addresses and all(a.startswith(("/", "#")) and not a.startswith("//") for a in addresses)
    assert "<form" not in page  # nothing that would need a CSRF cookie


def test_unoffered_languages_are_not_found():
    assert Client().get("/fr/about").status_code == 404
    assert Client().get("/en-gb/about").status_code == 404


def test_staff_pages_stay_in_english_and_browser_language_sets_nothing(db):
    response = Client().get(reverse("accounts:sign-in"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="en-GB"' in page and "Sign in" in page
    assert "django_language" not in response.cookies


def _template_msgids() -> set[str]:
    """Every message marked for translation in a template that loads i18n, as makemessages finds them."""
    found: set[str] = set()
    for path in PACKAGE.rglob("templates/**/*.html"):
        source = path.read_text(encoding="utf-8")
        if "i18n" not in source:
            continue
        code = templatize(source, origin=str(path))
        assert "ngettext(" not in code and "pgettext(" not in code, f"{path}: extend this test for plurals and contexts"
        for literal in re.findall(r"\bgettext\((u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))\)", code):
            found.add(ast.literal_eval(literal))
    return found


def test_every_public_string_is_translated_into_german():
    catalogue = polib.pofile(str(PO))
    translated = {e.msgid for e in catalogue.translated_entries() if not e.fuzzy}
    wanted = _template_msgids()
    assert "About this service" in wanted
    assert wanted - translated == set(), "run makemessages, translate, then scripts/translations.py"
    assert catalogue.untranslated_entries() == [] and catalogue.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_its_source():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalogue = polib.pofile(str(PO))
    expected: dict = {}
    for e in catalogue.translated_entries():
        if e.msgid_plural:  # gettext keys plural forms by (singular, index)
            expected.update({(e.msgid, int(i)): text for i, text in e.msgstr_plural.items()})
        else:
            expected[e.msgid] = e.msgstr
    assert {k: v for k, v in compiled._catalog.items() if k} == expected, (  # type: ignore[attr-defined]
        "django.mo is out of date: run .venv/bin/python scripts/translations.py"
    )
