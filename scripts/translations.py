"""Compile every translation catalogue (locale/*/LC_MESSAGES/django.po) to its .mo, in pure Python.

Run after editing a .po file: `.venv/bin/python scripts/translations.py`. The .mo files are
committed, and tests/integration/test_i18n.py fails when one no longer matches its .po, so GNU
gettext is needed only to extract new strings (makemessages), never to install or test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "safeguard" / "locale"


def main() -> int:
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        problems = [e.msgid for e in catalogue if e.obsolete is False and (not e.translated() or e.fuzzy)]
        if problems:
            print(f"{po_path}: {len(problems)} untranslated or fuzzy: {problems[:3]}", file=sys.stderr)
            return 1
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(ROOT)} ({len(catalogue.translated_entries())} messages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
