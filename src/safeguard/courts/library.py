"""The guideline library used by the courts app: the packaged data files plus accepted uploads.

The engine's loader reads a directory, so the library is built by writing the packaged files and
the accepted uploads (the latest upload of a file name replaces that file) into a temporary
directory and calling `safeguard.guidelines.load_library` on it. The result is cached per set of
uploads. If accepted uploads no longer load (for example after the packaged data changed), the
packaged files alone are used and the problem is shown to every user of the calculation.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from safeguard.guidelines import GuidelineDataError, GuidelineLibrary, load_library
from safeguard.guidelines.loader import DATA_DIRECTORY, OFFENCES_FILE

PACKAGED = "packaged"


@dataclass(frozen=True)
class LibraryState:
    library: GuidelineLibrary
    signature: str  # "packaged" or "packaged+uploads:3,7"
    fingerprint: str  # sha256 over every file name and text in use
    texts: Mapping[str, str]  # file name -> text in use
    origins: Mapping[str, str]  # file name -> "packaged" or "upload <id>"
    problems: tuple[str, ...] = field(default=())  # why accepted uploads were left out

    def file_for(self, guideline_id: str, version: str) -> str:
        return f"{guideline_id}-{version}.toml"

    def text_sha256(self, guideline_id: str, version: str) -> str:
        text = self.texts.get(self.file_for(guideline_id, version), "")
        return hashlib.sha256(text.encode()).hexdigest()

    def origin(self, guideline_id: str, version: str) -> str:
        return self.origins.get(self.file_for(guideline_id, version), "")


@cache
def packaged_files() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(DATA_DIRECTORY.glob("*.toml"))}


def engine_version() -> str:
    try:
        return metadata.version("safeguard")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def fingerprint(files: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return digest.hexdigest()


def build(files: Mapping[str, str]) -> GuidelineLibrary:
    """Load these files with the engine's loader; raises GuidelineDataError listing every problem."""
    with tempfile.TemporaryDirectory(prefix="safeguard-guidelines-") as folder:
        root = Path(folder)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        return load_library(root)


_lock = threading.Lock()
_cache: dict[str, LibraryState] = {}


def _state_for(uploads: list[tuple[int, str, str]]) -> LibraryState:
    files = dict(packaged_files())
    origins = dict.fromkeys(files, PACKAGED)
    for upload_id, name, text in uploads:
        files[name] = text
        origins[name] = f"upload {upload_id}"
    signature = PACKAGED if not uploads else "packaged+uploads:" + ",".join(str(u[0]) for u in uploads)
    try:
        library = build(files)
    except GuidelineDataError as error:
        problems = tuple(f"{p.field}: {p.message}" for p in error.problems)
        base = packaged_files()
        return LibraryState(
            library=_packaged_library(),
            signature=PACKAGED,
            fingerprint=fingerprint(base),
            texts=base,
            origins=dict.fromkeys(base, PACKAGED),
            problems=("Accepted uploads could not be loaded, so the packaged data is used: ", *problems),
        )
    return LibraryState(library, signature, fingerprint(files), files, origins)


@cache
def _packaged_library() -> GuidelineLibrary:
    return build(packaged_files())


def current() -> LibraryState:
    """The library in use now: packaged files plus every accepted upload, in upload order."""
    from safeguard.courts.models import GuidelineUpload

    # Keyed by id and content hash, so a reused id (a rolled-back transaction) is never mistaken.
    key = ",".join(
        f"{pk}:{digest}" for pk, digest in GuidelineUpload.objects.order_by("id").values_list("id", "sha256")
    )
    with _lock:
        state = _cache.get(key)
        if state is None:
            uploads = [
                (u.pk, u.file_name, u.text)
                for u in GuidelineUpload.objects.order_by("id").only("id", "file_name", "text")
            ]
            state = _state_for(uploads)
            if len(_cache) > 16:
                _cache.clear()
            _cache[key] = state
        return state


def with_file(state: LibraryState, name: str, text: str) -> GuidelineLibrary:
    """The library `state` would become with one more file (raises GuidelineDataError)."""
    files = dict(state.texts)
    files[name] = text
    return build(files)


__all__ = [
    "OFFENCES_FILE",
    "PACKAGED",
    "LibraryState",
    "build",
    "current",
    "engine_version",
    "fingerprint",
    "packaged_files",
    "with_file",
]
