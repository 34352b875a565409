"""Loading YAML and JSON documents safely, remembering where every value came from.

Documents written by people (methodologies, rubrics, section data) must be refused with the file,
line and field path of each mistake. :func:`load_document` parses with PyYAML's *safe* loader,
refuses duplicate keys, and keeps a map from each field path to its line and column so any
later validation error can point at the source. A JSON object or array is decoded by
:mod:`json` instead (:func:`decode_json`, tens of times faster and smaller than PyYAML's node
tree), and its positions are found by the PyYAML parse only when a problem needs them
(:attr:`Document.detail`); JSON the decoder refuses goes to PyYAML, which says where.

**Hostile documents.** Every document is held to the same limits, each refused with
:class:`InvalidInputError` (``file:line:column``) before it can cost much time or memory:

- a file larger than :func:`max_input_bytes` (``KAMCORE_MAX_INPUT_MB``, default
  :data:`DEFAULT_MAX_INPUT_MB`) is refused from its size, before it is read;
- control characters (C0 but tab, line feed and carriage return; DEL) are refused where they
  stand -- write them escaped (``"\\0"``) if a value needs one;
- nesting deeper than :data:`MAX_DEPTH` levels is refused as it is read;
- YAML aliases may repeat what an anchor names, but all the aliases of a document together
  may add at most :data:`ALIAS_NODES` values to it (an "alias bomb" of nested aliases is
  refused at the alias that goes over, instead of growing exponentially).

Documents that every process reads again (those the installed plugins supply) can be parsed
with ``cached=True``: the parse of the same text is then reused from the on-disk cache
(:mod:`kamcore.cache`), and PyYAML is not even imported.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import attrs

from . import cache
from .errors import InvalidInputError, Problem

if TYPE_CHECKING:
    import yaml
    from pydantic import BaseModel

PathKey = tuple[str | int, ...]
M = TypeVar("M", bound="BaseModel")

#: The largest input file read when ``KAMCORE_MAX_INPUT_MB`` is not set, in MB (10**6 bytes).
DEFAULT_MAX_INPUT_MB = 100
#: The deepest nesting of mappings and lists a document may have (the root is level 1).
MAX_DEPTH = 100
#: How many values (mappings, lists, scalars) the aliases of a YAML document may add to it.
ALIAS_NODES = 10_000
#: Control characters refused in documents: C0 but tab, line feed, carriage return; and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A UTF-16 surrogate (U+D800-U+DFFF), which a document's escapes can produce.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: A JSON escape of a surrogate: such a text is parsed by the YAML loader, which checks them.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: Blanks as JSON has them, and the start of a JSON object or array after them.
_BLANKS = re.compile(r"[ \t\n\r]*")
_JSON_START = re.compile(r"[ \t\n\r]*[\[{]")


def max_input_bytes() -> int:
    """The largest input file kamcore reads, in bytes: ``KAMCORE_MAX_INPUT_MB`` megabytes
    (a positive number, fractions allowed), else :data:`DEFAULT_MAX_INPUT_MB`.

    :raises InvalidInputError: the variable is set to something else.
    """
    raw = os.environ.get("KAMCORE_MAX_INPUT_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_MB * 10**6
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = 0.0
    if not megabytes > 0:
        raise InvalidInputError(
            f"KAMCORE_MAX_INPUT_MB={raw!r}: expected a positive number of megabytes")
    return int(megabytes * 10**6)


def check_input_size(source: str, size: int) -> None:
    """Refuse an input of ``size`` bytes larger than :func:`max_input_bytes`, naming ``source``."""
    limit = max_input_bytes()
    if size > limit:
        raise InvalidInputError(
            f"{source}: the file is {size:,} bytes, more than the limit of "
            f"{limit / 10**6:g} MB (raise it with KAMCORE_MAX_INPUT_MB)")


def read_input(path: str | os.PathLike[str]) -> str:
    """The text (UTF-8) of the input file at ``path``, its size checked before it is read
    (:func:`check_input_size`).

    :raises InvalidInputError: no such file, unreadable, too large, not UTF-8.
    """
    source = str(path)
    try:
        check_input_size(source, os.stat(path).st_size)
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{source}: cannot read it ({exc})") from None
    return text


def read_stream(stream: IO[str], source: str) -> str:
    """All of ``stream`` (standard input), refused as soon as it passes the size limit."""
    limit = max_input_bytes()
    text = stream.read(limit + 1)
    check_input_size(source, len(text.encode("utf-8")))
    return text


def skip_blanks(text: str, index: int) -> int:
    """The index of the first character at or after ``index`` of ``text`` that is not a JSON
    blank (space, tab, line feed, carriage return); ``len(text)`` if there is none."""
    found = _BLANKS.match(text, index)
    return found.end() if found is not None else index


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``index`` of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def check_characters(text: str, source: str) -> None:
    """Refuse ``text`` holding a control character, at its line and column."""
    found = _CONTROL.search(text)
    if found is None:
        return
    line, column = line_column(text, found.start())
    code = f"U+{ord(found.group()):04X}"
    raise InvalidInputError(
        f"{source}: control character {code} in the document",
        [Problem(f"control character {code} is not allowed (write it escaped, e.g. \"\\0\" "
                 "in a double-quoted string)", source=source, line=line, column=column)])


@attrs.frozen
class Document:
    """A parsed document: its data, where it came from, and the position of every value.

    ``detail``, when given, returns the positions of every value (those of ``positions`` and
    more): a document read quickly, with only some positions noted, finds the others through
    it when a problem needs them (:mod:`kamcore.jsonstream`).
    """

    data: Any
    source: str
    positions: Mapping[PathKey, tuple[int, int]] = attrs.field(factory=dict)
    detail: Callable[[], Mapping[PathKey, tuple[int, int]]] | None = attrs.field(
        default=None, eq=False, repr=False)

    def problem(self, path: Sequence[str | int], message: str) -> Problem:
        """A :class:`Problem` at ``path``, located at the nearest known line of the document."""
        key: PathKey = tuple(path)
        positions = self.positions if key in self.positions else self.every_position()
        while key and key not in positions:
            key = key[:-1]
        line, column = positions.get(key, (None, None))
        return Problem(message, source=self.source, path=tuple(path), line=line, column=column)

    def every_position(self) -> Mapping[PathKey, tuple[int, int]]:
        """The position of every value (found through ``detail`` if the document has it)."""
        return self.detail() if self.detail is not None else self.positions


@functools.cache
def _loader_class() -> Callable[[str, str], yaml.SafeLoader]:
    """PyYAML's safe loader (imported here, on the first parse), without timestamps, within
    :data:`MAX_DEPTH` and :data:`ALIAS_NODES`."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """Safe loader: only plain data types (no Python object tags).

        Unquoted dates (``2026-01-15``) stay strings, as in JSON: the JSON Schemas and the
        records expect ISO date strings, not :class:`datetime.date` objects.

        It notes the size and height (values, levels) of every node it composes, so an alias
        is weighed by what it repeats before anything is expanded.
        """

        def __init__(self, text: str, source: str) -> None:
            super().__init__(text)
            self.kam_source = source
            self.kam_depth = 0
            self.kam_aliased = 0
            self.kam_shape: dict[int, tuple[int, int]] = {}

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            if self.check_event(yaml.AliasEvent):
                node = super().compose_node(parent, index)
                size, height = self.kam_shape[id(node)]
                self.kam_aliased += size
                if self.kam_aliased > ALIAS_NODES:
                    raise self._refusal(mark, "the aliases of this document repeat more than "
                                        f"{ALIAS_NODES:,} values (an alias bomb?)")
                if self.kam_depth + height > MAX_DEPTH:
                    raise self._refusal(mark, f"nested more than {MAX_DEPTH} levels deep")
                return node
            self.kam_depth += 1
            if self.kam_depth > MAX_DEPTH:
                raise self._refusal(mark, f"nested more than {MAX_DEPTH} levels deep")
            try:
                node = super().compose_node(parent, index)
            finally:
                self.kam_depth -= 1
            if isinstance(node, yaml.ScalarNode) and _SURROGATE.search(node.value):
                node.value = self._paired(node.value, mark)
            children: list[yaml.Node] = (
                node.value if isinstance(node, yaml.SequenceNode)
                else [n for pair in node.value for n in pair]
                if isinstance(node, yaml.MappingNode) else [])
            shapes = [self.kam_shape[id(child)] for child in children]
            self.kam_shape[id(node)] = (1 + sum(size for size, _ in shapes),
                                        1 + max((height for _, height in shapes), default=0))
            return node

        def _paired(self, value: str, mark: yaml.Mark) -> str:
            """``value`` with its escaped surrogate pairs (``"\\ud83d\\ude00"``) joined
            into the characters they stand for; a surrogate without its pair is refused."""
            try:
                return value.encode("utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                raise self._refusal(mark, "an escaped UTF-16 surrogate without its pair "
                                          "is not a character") from None

        def _refusal(self, mark: yaml.Mark, message: str) -> InvalidInputError:
            return InvalidInputError(f"{self.kam_source}: document refused", [Problem(
                message, source=self.kam_source, line=mark.line + 1, column=mark.column + 1)])

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
            if not isinstance(key_node, yaml.ScalarNode):  # `? - a` makes a list a key
                problems.append(Problem("a key must be a plain value, not a list or mapping",
                                        source=source, path=path,
                                        line=key_node.start_mark.line + 1,
                                        column=key_node.start_mark.column + 1))
                continue
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
               "positions": [[list(path), *where]
                             for path, where in doc.every_position().items()]}
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


class _Pairs:
    """``object_pairs_hook`` of :func:`decode_json`: notes whether an object gave a key twice."""

    def __init__(self) -> None:
        self.duplicate = False

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        built = dict(pairs)
        if len(built) < len(pairs):
            self.duplicate = True
        return built


def decode_json(text: str, start: int = 0) -> tuple[Any, int] | None:
    """The JSON value written at ``start`` of ``text`` and the offset just past it, decoded by
    :mod:`json` (in C: much faster than PyYAML); or None when it is not valid JSON (``NaN``
    and ``Infinity`` included: Python's extension) or breaks a rule of this module (a key given
    twice, nesting over :data:`MAX_DEPTH` levels) -- the caller then parses it with PyYAML,
    which says where."""
    import json

    pairs = _Pairs()
    decoder = json.JSONDecoder(object_pairs_hook=pairs, parse_constant=_not_json)
    try:
        value, end = decoder.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    if pairs.duplicate or _too_deep(value):
        return None
    return value, end


def _not_json(constant: str) -> Any:
    """``parse_constant`` of :func:`decode_json`: ``NaN``, ``Infinity`` are not JSON."""
    raise ValueError(f"{constant} is not JSON")


def _too_deep(value: Any) -> bool:
    """Whether ``value`` nests more than :data:`MAX_DEPTH` levels of mappings and lists."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def _parse(text: str, source: str) -> Document:
    """A JSON object or array decoded by :func:`decode_json`, each position found only when a
    problem needs it (by :func:`_parse_yaml`); anything else (or JSON it refuses) parsed by
    :func:`_parse_yaml`."""
    check_characters(text, source)
    opening = _JSON_START.match(text)
    if opening is not None and not _SURROGATE_ESCAPE.search(text):
        decoded = decode_json(text)
        if decoded is not None and skip_blanks(text, decoded[1]) == len(text):
            detail = functools.cache(lambda: _parse_yaml(text, source).positions)
            return Document(decoded[0], source,
                            {(): line_column(text, opening.end() - 1)}, detail)
    return _parse_yaml(text, source)


def _parse_yaml(text: str, source: str) -> Document:
    import yaml

    loader = None
    try:
        loader = _loader_class()(text, source)
        node = loader.get_single_node()
        if node is None:
            raise InvalidInputError(f"{source}: the document is empty",
                                    [Problem("expected a mapping", source=source, line=1)])
        positions: dict[PathKey, tuple[int, int]] = {}
        problems: list[Problem] = []
        _walk(node, (), positions, problems, source)
        if problems:
            raise InvalidInputError(f"{source}: the document has keys it cannot take", problems)
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
    except yaml.reader.ReaderError as exc:
        line, column = line_column(text, exc.position)
        raise InvalidInputError(
            f"{source}: not valid YAML/JSON",
            [Problem(f"character U+{exc.character:04X} is not allowed"
                     if isinstance(exc.character, int) else str(exc.reason),
                     source=source, line=line, column=column)]) from None
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{source}: not valid YAML/JSON",
                                [Problem(str(exc), source=source)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return Document(data=data, source=source, positions=positions)


def load_document(path: str | os.PathLike[str] | Any, *, cached: bool = False) -> Document:
    """Read and parse the file at ``path`` (a path or an ``importlib.resources`` Traversable).

    A file on disk is refused before it is read when it is larger than the input limit
    (:func:`read_input`); a plugin's packaged document is not (it is not user input).
    ``cached``: as for :func:`parse_document`.
    """
    if not isinstance(path, (str, os.PathLike)):
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"{source}: cannot read it ({exc})") from None
        return parse_document(text, source, cached=cached)
    return parse_document(read_input(path), str(path), cached=cached)


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
