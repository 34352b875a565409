"""Loading YAML and JSON documents safely, remembering where every value came from.

Documents written by people (methodologies, rubrics, section data) must be refused with the file,
line and field path of each mistake. :func:`load_document` parses with PyYAML's *safe* loader
(JSON is read by the same parser, being YAML), refuses duplicate keys, and keeps a map from each
field path to its line and column so any later validation error can point at the source.

Documents that every process reads again (those the installed plugins supply) can be parsed
with ``cached=True``: the parse of the same text is then reused from the on-disk cache
(:mod:`kamcore.cache`), and PyYAML is not even imported.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import cache
from .errors import InvalidInputError, Problem

if TYPE_CHECKING:
    import yaml
    from pydantic import BaseModel

PathKey = tuple[str | int, ...]
M = TypeVar("M", bound="BaseModel")


@attrs.frozen
class Document:
    """A parsed document: its data, where it came from, and the position of every value."""

    data: Any
    source: str
    positions: Mapping[PathKey, tuple[int, int]] = attrs.field(factory=dict)

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        """A :class:`Problem` at ``path``, located at the nearest known line of the document."""
        key: PathKey = tuple(path)
        while key and key not in self.positions:
            key = key[:-1]
        line, column = self.positions.get(key, (None, None))
        return Problem(message, source=self.source, path=tuple(path), line=line, column=column)


@functools.cache
def _loader_class() -> type[yaml.SafeLoader]:
    """PyYAML's safe loader (imported here, on the first parse), without timestamps."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """Safe loader: only plain data types (no Python object tags).

        Unquoted dates (``2026-01-15``) stay strings, as in JSON: the JSON Schemas and the
        records expect ISO date strings, not :class:`datetime.date` objects.
        """

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers
                if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _Loader


def _walk(node: yaml.Node, path: PathKey, out: dict[PathKey, tuple[int, int]],
          problems: list[Problem], source: str) -> None:
    import yaml

    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(
                    Problem(f"duplicate key {key!r}", source=source, path=(*path, key),
                            line=key_node.start_mark.line + 1,
                            column=key_node.start_mark.column + 1)
                )
            seen.add(key)
            _walk(value_node, (*path, key), out, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), out, problems, source)


def parse_document(text: str, source: str, *, cached: bool = False) -> Document:
    """Parse YAML or JSON ``text``; raise :class:`InvalidInputError` naming ``source`` and line.

    With ``cached``, a parse of the same ``text`` (by any process) is reused from the on-disk
    cache, and a parse that succeeds is stored there -- only for documents the plugins supply,
    never for a user's data. Documents that are not plain JSON data are never cached.
    """
    if not cached:
        return _parse(text, source)
    key = cache.text_key("parsed-document", text)
    hit = _decoded(cache.lookup(key), source)
    if hit is not None:
        return hit
    doc = _parse(text, source)
    encoded = {"data": doc.data,
               "positions": [[list(path), *where] for path, where in doc.positions.items()]}
    if cache.is_plain(encoded):
        cache.store(key, encoded)
    return doc


def _decoded(value: Any, source: str) -> Document | None:
    """The document a cached parse describes, or None when ``value`` is not one."""
    try:
        positions = {tuple(path): (line, column) for path, line, column in value["positions"]}
        return Document(data=value["data"], source=source, positions=positions)
    except (TypeError, KeyError, ValueError):
        return None


def _parse(text: str, source: str) -> Document:
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InvalidInputError(f"{source}: the document is empty",
                                    [Problem("expected a mapping", source=source, line=1)])
        positions: dict[PathKey, tuple[int, int]] = {}
        problems: list[Problem] = []
        _walk(node, (), positions, problems, source)
        if problems:
            raise InvalidInputError(f"{source}: the document has duplicate keys", problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = " ".join(part for part in (exc.context, exc.problem) if part)
        raise InvalidInputError(
            f"{source}: not valid YAML/JSON",
            [Problem(reason or "cannot parse", source=source, line=line, column=column)],
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{source}: not valid YAML/JSON",
                                [Problem(str(exc), source=source)]) from None
    finally:
        loader.dispose()
    return Document(data=data, source=source, positions=positions)


def load_document(path: str | os.PathLike[str] | Any, *, cached: bool = False) -> Document:
    """Read and parse the file at ``path`` (a path or an ``importlib.resources`` Traversable).

    ``cached``: as for :func:`parse_document`.
    """
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8") if hasattr(path, "read_text") else Path(
            path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{source}: cannot read it ({exc})") from None
    return parse_document(text, source, cached=cached)


def validate_model(cls: type[M], data: Any, doc: Document, path: PathKey = ()) -> M:
    """Validate ``data`` (found at ``path`` in ``doc``) as a pydantic model ``cls``.

    :raises InvalidInputError: one located problem per field error.
    """
    from pydantic import ValidationError

    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        problems = [doc.problem((*path, *error["loc"]), error["msg"]) for error in exc.errors()]
        raise InvalidInputError(f"{doc.source}: invalid {cls.__name__.lower()}", problems) from None
