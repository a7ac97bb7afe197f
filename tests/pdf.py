"""Reading a PDF back as text (poppler's pdftotext, installed by scripts/system-deps.sh)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, laid out as on the page."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(  # noqa: S603 - fixed arguments, a local file
            [shutil.which("pdftotext") or "pdftotext", "-layout", str(path), "-"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return [page for page in result.stdout.split("\f") if page.strip()]


def pdf_text(pdf: bytes) -> str:
    """All the text, with runs of white space as one space."""
    return " ".join(" ".join(pdf_pages(pdf)).split())
