"""A cross-process, on-disk cache of pure load results, keyed by content.

Every process that loads the installed plugins checks the same methodology and rubric documents
and the same JSON Schemas, and parses the same YAML files. Those results depend only on the
content and on the code that computes them, so they are kept on disk and reused.

Where (see docs/performance.md): ``$KAMCORE_CACHE_DIR`` if set (``off`` disables the cache),
else ``$XDG_CACHE_HOME/kamcore``, else ``~/.cache/kamcore``.

The contract:

* An entry's key is a SHA-256 of the kind of result, the content it was computed from (its
  canonical JSON, or its text) and a fingerprint of the code that computes it (size and
  modification time of kamcore's core modules and of the jsonschema, referencing and PyYAML
  installs). Change any of them and the key changes; an entry is never updated in place.
* Content that is not plain JSON data (non-string keys, tuples, bytes, sets, NaN ...) has no
  key and is never cached.
* Values are JSON data. Each file repeats its key, so a file that is truncated, corrupt,
  unreadable or from another key is a miss -- never an error. A directory that cannot be
  written means nothing is cached.
* Writes go to a temporary file renamed into place: concurrent processes see a whole entry or
  none, and may write the same entry at the same time.
* Entries live in one folder per code fingerprint; folders of other fingerprints that have
  not been written to for :data:`KEEP_DAYS` days are removed when a new one is started.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Environment variable naming the cache folder; :data:`DISABLED` turns the cache off.
ENV_VAR = "KAMCORE_CACHE_DIR"
DISABLED = "off"
#: Bumped when the meaning of an entry changes in a way the code fingerprint does not see.
FORMAT = "1"
#: kamcore's folders whose modules decide what is cached (relative to the package).
_CORE_FOLDERS = ("", "model", "methodology", "rubric")
#: Libraries whose installed version changes checking or parsing results.
_LIBRARIES = ("jsonschema", "jsonschema_specifications", "referencing", "yaml")


def cache_dir() -> Path | None:
    """The cache folder, or None when ``$KAMCORE_CACHE_DIR`` is ``off``."""
    chosen = os.environ.get(ENV_VAR, "").strip()
    if chosen.lower() == DISABLED:
        return None
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "kamcore"


def _stat_files(folder: str) -> list[str]:
    found = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith((".py", ".json")):
                    stat = entry.stat()
                    found.append(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    except OSError:
        found.append(f"{folder}:unreadable")
    return sorted(found)


@functools.cache
def fingerprint() -> str:
    """What the cached results depend on besides their content (computed once per process)."""
    package = Path(__file__).resolve().parent
    parts = [FORMAT, sys.implementation.cache_tag or ""]
    for folder in _CORE_FOLDERS:
        parts.append(folder)
        parts.extend(_stat_files(str(package / folder)))
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            stat = os.stat(origin) if origin else None
        except OSError:
            stat = None
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}" if stat else f"{name}:-")
    return "\n".join(parts)


def is_plain(value: Any) -> bool:
    """True for JSON data whose canonical JSON identifies it: no other types, no int keys."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and is_plain(v) for k, v in value.items())
    if kind is list:
        return all(is_plain(item) for item in value)
    return value is None or kind in (str, int, float, bool)


def _digest(kind: str, content: str) -> str:
    blob = "\0".join((fingerprint(), kind, content)).encode("utf-8", "surrogatepass")
    return f"{kind}-{hashlib.sha256(blob).hexdigest()}"


def content_key(kind: str, content: Any) -> str | None:
    """The key of the result ``kind`` computed from JSON data ``content``; None if not plain."""
    if not is_plain(content):
        return None
    try:
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity
        return None
    return _digest(kind, canonical)


def text_key(kind: str, text: str) -> str:
    """The key of the result ``kind`` computed from ``text``."""
    return _digest(kind, text)


def entry_folder() -> Path | None:
    """The folder of this code's entries: one per :func:`fingerprint`, inside
    :func:`cache_dir` (None when the cache is off)."""
    folder = cache_dir()
    if folder is None:
        return None
    return folder / (_ENTRY_PREFIX + hashlib.sha256(fingerprint().encode("utf-8")).hexdigest()[:16])


def lookup(key: str) -> Any:
    """The value stored under ``key``, or None when there is none (or it cannot be read)."""
    folder = entry_folder()
    if folder is None:
        return None
    try:
        entry = json.loads((folder / f"{key}.json").read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get("value")


def store(key: str, value: Any) -> None:
    """Store JSON data ``value`` (not None) under ``key``; failures are ignored.

    The first entry of a new fingerprint also removes the folders of other fingerprints not
    written to for :data:`KEEP_DAYS` days (older kamcore or library versions).
    """
    folder = entry_folder()
    if folder is None:
        return
    data = json.dumps({"key": key, "value": value}, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8", "surrogatepass")
    import tempfile

    try:
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _prune(folder)
        fd, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, folder / f"{key}.json")
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if not isinstance(exc, OSError):
            raise


#: Entry folders of other fingerprints unchanged for this many days are removed.
KEEP_DAYS = 30
#: Entry folders are named ``kamcore-entries-<16 hex digits>``: pruning touches nothing else,
#: even when ``$KAMCORE_CACHE_DIR`` points at a folder that holds other things.
_ENTRY_PREFIX = "kamcore-entries-"
_ENTRY_FOLDER = re.compile(re.escape(_ENTRY_PREFIX) + r"[0-9a-f]{16}")


def _prune(current: Path) -> None:
    import shutil
    import time

    cutoff = time.time() - KEEP_DAYS * 86400
    with contextlib.suppress(OSError), os.scandir(current.parent) as entries:
        for entry in entries:
            if (entry.name != current.name and _ENTRY_FOLDER.fullmatch(entry.name)
                    and entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff):
                shutil.rmtree(entry.path, ignore_errors=True)


def known_good(kind: str, content: Any, check: Callable[[], list[T]]) -> list[T]:
    """``check()``, or ``[]`` without calling it when ``content`` passed it before.

    ``check`` must be a pure function of ``content`` (and of the code the fingerprint covers)
    that returns the problems found, empty meaning none. Only "no problems" is remembered:
    content with problems is checked again every time, so its problems are always fresh.
    """
    key = content_key(kind, content)
    if key is not None and lookup(key) is True:
        return []
    problems = check()
    if key is not None and not problems:
        store(key, True)
    return problems
