"""Turn methodology documents into checked :class:`Methodology` objects.

:func:`load_methodologies` takes every document the plugins supplied, resolves ``extends``
between them (in any order, refusing cycles and unknown bases) and returns the methodologies
that loaded plus, per document, the error that stopped the others.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from importlib.resources import files
from typing import Any

from .. import cache
from ..cadence import Cadence
from ..documents import Document
from ..errors import InvalidInputError, Problem
from ..schemas import CompiledSchema, schema_problems
from .derive import derive_document
from .model import Gate, Methodology, Section, Step

Path = tuple[str | int, ...]


@functools.cache
def document_schema() -> dict[str, Any]:
    """The JSON Schema every methodology document must satisfy."""
    text = files("kamcore.methodology").joinpath("methodology.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _document_validator() -> CompiledSchema:
    return CompiledSchema.compile(document_schema())


def _shape_problems(doc: Document) -> list[Problem]:
    """Where ``doc`` breaks the methodology document schema (a document that passed is
    remembered in the on-disk cache by its content)."""
    if not isinstance(doc.data, dict):
        return [doc.problem((), "a methodology document must be a mapping")]
    return cache.known_good("methodology-document", doc.data, lambda: [
        doc.problem(path, message) for path, message in _document_validator().errors(doc.data)
    ])


def _schema_locations(data: Mapping[str, Any]) -> Iterable[tuple[Path, Any]]:
    """Every embedded JSON Schema of a document, full or derived, with its path."""
    steps, sections = data.get("steps"), data.get("sections")
    if isinstance(sections, list):
        for i, section in enumerate(sections):
            yield ("sections", i, "schema"), section["schema"]
    if isinstance(steps, list):
        for i, step in enumerate(steps):
            if "gate" in step:
                yield ("steps", i, "gate", "schema"), step["gate"]["schema"]
    if isinstance(sections, dict):
        for i, section in enumerate(sections.get("add", [])):
            yield ("sections", "add", i, "schema"), section["schema"]
        for key, fields in sections.get("update", {}).items():
            if "schema" in fields:
                yield ("sections", "update", key, "schema"), fields["schema"]
        for key, extra in sections.get("tighten", {}).items():
            yield ("sections", "tighten", key), extra
    if isinstance(steps, dict):
        for i, step in enumerate(steps.get("add", [])):
            if "gate" in step:
                yield ("steps", "add", i, "gate", "schema"), step["gate"]["schema"]
        for key, fields in steps.get("update", {}).items():
            if fields.get("gate"):
                yield ("steps", "update", key, "gate", "schema"), fields["gate"]["schema"]


def _build(data: Mapping[str, Any], lineage: tuple[str, ...], source: str,
           report: Callable[[Path, str], None]) -> Methodology | None:
    """Check the cross-references of a full document and compile it."""
    failed = False

    def fail(path: Path, message: str) -> None:
        nonlocal failed
        failed = True
        report(path, message)

    section_keys: list[str] = []
    for i, section in enumerate(data["sections"]):
        if section["key"] in section_keys:
            fail(("sections", i, "key"), f"section key {section['key']!r} is used twice")
        section_keys.append(section["key"])
    step_keys: list[str] = []
    for i, step in enumerate(data["steps"]):
        if step["key"] in step_keys:
            fail(("steps", i, "key"), f"step key {step['key']!r} is used twice")
        step_keys.append(step["key"])
        for j, key in enumerate(step.get("sections", [])):
            if key not in section_keys:
                fail(("steps", i, "sections", j),
                     f"unknown section {key!r}; sections are: {', '.join(section_keys) or 'none'}")
    for kind, spec in data.get("cadence", {}).items():
        try:
            Cadence.parse(kind, spec["every"])
        except ValueError as exc:
            fail(("cadence", kind, "every"), str(exc))
    for path, schema in _schema_locations(data):
        for sub_path, message in schema_problems(schema):
            fail((*path, *sub_path), f"invalid JSON Schema: {message}")
    if failed:
        return None
    methodology = Methodology(
        name=data["name"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", ""),
        steps=tuple(
            Step(
                key=step["key"],
                title=step["title"],
                purpose=step.get("purpose", ""),
                sections=tuple(step.get("sections", ())),
                gate=Gate(step["gate"]["message"], CompiledSchema.compile(step["gate"]["schema"]))
                if "gate" in step else None,
            )
            for step in data["steps"]
        ),
        sections=tuple(
            Section(section["key"], section["title"], section.get("description", ""),
                    schema=CompiledSchema.compile(section["schema"]),
                    customer_facing=section.get("customer_facing", False))
            for section in data["sections"]
        ),
        roles=tuple(data.get("roles", ())),
        cadence=tuple(Cadence.parse(kind, spec["every"], spec.get("title"))
                      for kind, spec in data.get("cadence", {}).items()),
        settings=data.get("settings", {}),
        lineage=lineage,
        aliases=tuple(data.get("aliases", ())),
        source=source,
        document=data,
    )
    if "example" in data:
        # the verdict depends only on the resolved document: remembered when it is clean
        for path, message in cache.known_good(
                "methodology-example", data, lambda: _example_problems(methodology)):
            fail(path, message)
    return None if failed else methodology


def _example_problems(methodology: Methodology) -> list[tuple[Path, str]]:
    """The example's sections must be valid and meet every gate before its step."""
    problems: list[tuple[Path, str]] = []
    example = methodology.document["example"]
    sections = example["sections"]
    keys = [step.key for step in methodology.steps]
    for key, value in sections.items():
        if key not in {section.key for section in methodology.sections}:
            problems.append((("example", "sections", key), f"unknown section {key!r}"))
            continue
        for path, message in methodology.section(key).schema.errors(value):
            problems.append((("example", "sections", key, *path), message))
    step = example.get("step", keys[0])
    if step not in keys:
        problems.append((("example", "step"),
                         f"unknown step {step!r}; steps are: {', '.join(keys)}"))
        return problems
    for passed in methodology.steps[: keys.index(step)]:
        if passed.gate is not None:
            for path, message in passed.gate.schema.errors(sections):
                problems.append((("example", "sections", *path),
                                 f"the example must meet the gate of step {passed.key!r}: "
                                 f"{message}"))
    return problems


def build_methodology(doc: Document, base: Methodology | None = None) -> Methodology:
    """Check ``doc`` and build its methodology; ``base`` is required when it has ``extends``.

    Raises :class:`InvalidInputError` with every problem found, each with file, line and path.
    """
    problems = _shape_problems(doc)
    if not problems:
        for path, schema in _schema_locations(doc.data):
            problems.extend(doc.problem((*path, *sub), f"invalid JSON Schema: {message}")
                            for sub, message in schema_problems(schema))
    if problems:
        raise InvalidInputError(f"{doc.source}: not a valid methodology", problems)
    data: Mapping[str, Any] = doc.data
    lineage: tuple[str, ...] = (data["name"],)
    if "extends" in data:
        if base is None or base.name != data["extends"]:
            raise InvalidInputError(f"{doc.source}: base methodology {data['extends']!r} missing")
        data, problems = derive_document(base.document, doc)
        lineage = (data["name"], *base.lineage)
        if problems:
            raise InvalidInputError(f"{doc.source}: cannot derive from {base.name}", problems)

    def report(path: Path, message: str) -> None:
        # the author's own example is this document's: its problems are located in it
        own_example = bool(path) and path[0] == "example" and "example" in doc.data
        if "extends" in doc.data and not own_example:
            problems.append(Problem(f"{message} (in the result of extends)", source=doc.source,
                                    path=path))
        else:
            problems.append(doc.problem(path, message))

    methodology = _build(data, lineage, doc.source, report)
    if methodology is None:
        raise InvalidInputError(f"{doc.source}: not a valid methodology", problems)
    return methodology


def load_methodologies(
    documents: Iterable[Document], installed: Mapping[str, Methodology] | None = None
) -> tuple[dict[str, Methodology], dict[str, InvalidInputError]]:
    """Build every document, resolving ``extends`` among them and ``installed`` ones.

    Returns the methodologies by name and, by document source, the error of each that failed
    (an unknown or failed base, a cycle, a duplicate name, or the document's own problems).
    """
    known: dict[str, Methodology] = dict(installed or {})
    pending: dict[str, Document] = {}
    errors: dict[str, InvalidInputError] = {}
    for doc in documents:
        name = doc.data.get("name") if isinstance(doc.data, dict) else None
        if isinstance(name, str) and (name in pending or name in known):
            errors[doc.source] = InvalidInputError(
                f"{doc.source}: methodology {name!r} is defined more than once; this copy is "
                "ignored")
            continue
        if not isinstance(name, str):
            errors[doc.source] = InvalidInputError(
                f"{doc.source}: not a valid methodology",
                _shape_problems(doc) or [doc.problem(("name",), "name must be a string")])
            continue
        pending[name] = doc

    def resolve(name: str, chain: tuple[str, ...]) -> Methodology | None:
        if name in known:
            return known[name]
        doc = pending.get(name)
        if doc is None or doc.source in errors:
            return None
        base = None
        base_name = doc.data.get("extends")
        if base_name is not None:
            if base_name == name or base_name in chain:
                errors[doc.source] = InvalidInputError(
                    f"{doc.source}: extends cycle: {' -> '.join((*chain, name, base_name))}")
                return None
            base = resolve(base_name, (*chain, name))
            if base is None:
                available = sorted((set(known) | set(pending)) - {name})
                reason = ("failed to load" if base_name in pending
                          else f"is not installed; installed: {', '.join(available)}")
                errors[doc.source] = InvalidInputError(
                    f"{doc.source}: extends {base_name!r}, which {reason}",
                    [doc.problem(("extends",), f"cannot derive from {base_name!r}")])
                return None
        try:
            known[name] = build_methodology(doc, base)
        except InvalidInputError as exc:
            errors[doc.source] = exc
            return None
        return known[name]

    for name in list(pending):
        resolve(name, ())
    loaded = {name: m for name, m in known.items() if name in pending}
    return loaded, errors
