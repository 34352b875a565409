"""The registry: every contribution of every plugin, collected once, looked up by name.

:func:`get_registry` builds it on first use from the process-wide plugin host. Lookups raise
:class:`kamcore.NotFoundError`, whose message lists what is installed.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from typing import TypeVar

from ..documents import Document, load_document
from ..errors import InvalidInputError, NotFoundError
from ..methodology import Methodology, load_methodologies
from ..rubric import Rubric, build_rubric
from .contributions import Adapter, Exporter, Signal
from .guard import guarded
from .host import PluginHost, get_plugin_host

T = TypeVar("T")


def _documents(host: PluginHost, hook_name: str,
               failed: dict[str, str] | None = None) -> Iterator[tuple[str, Document]]:
    """(plugin, document) for each document a registration hook returned; a document that does
    not load is reported, and its error kept in ``failed`` under the file's stem (the name it
    most likely meant, ``acme-sama`` for ``acme-sama.yaml``)."""
    for outcome in host.call_registered_first(hook_name):
        if outcome.error is not None or outcome.value is None:
            continue
        for index, item in enumerate(outcome.value):
            if isinstance(item, Mapping):
                yield outcome.plugin, Document(dict(item), f"{outcome.plugin}[{index}]")
                continue
            if not isinstance(item, (str, os.PathLike)) and not hasattr(item, "read_text"):
                host.report(outcome.plugin, f"{hook_name} returned {item!r}, not a document path "
                                            "or mapping")
                continue
            try:
                yield outcome.plugin, load_document(item, cached=True)
            except InvalidInputError as exc:
                host.report(outcome.plugin, str(exc))
                if failed is not None:
                    failed[_stem(item)] = str(exc)


def _stem(item: str | os.PathLike[str] | object) -> str:
    """The file name of ``item`` without its suffix."""
    name = str(getattr(item, "name", None) or os.fspath(item))  # type: ignore[arg-type]
    return os.path.splitext(os.path.basename(name))[0]


class Registry:
    """Methodologies, rubrics, exporters, adapters and signals by name, with their provider."""

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self.providers: dict[tuple[str, str], str] = {}
        self.methodology_aliases: dict[str, str] = {}
        #: Why each methodology that failed to load failed, by the name it has (or, for a file
        #: that is not even valid YAML, its file's stem): lookups of that name say so.
        self.failed_methodologies: dict[str, str] = {}
        self.methodologies = self._collect_methodologies()
        self.rubrics = self._collect_rubrics()
        self.exporters: dict[str, Exporter] = self._collect("kam_exporters", "exporter", Exporter)
        self.adapters: dict[str, Adapter] = self._collect("kam_adapters", "adapter", Adapter)
        self.signals: dict[str, Signal] = self._collect("kam_signals", "signal", Signal)

    def _claim(self, kind: str, name: str, plugin: str) -> bool:
        """Give ``name`` to ``plugin`` unless another plugin has it; report the clash."""
        holder = self.providers.get((kind, name))
        if holder is not None:
            self.host.report(plugin, f"{kind} {name!r} is already provided by {holder}; ignored")
            return False
        self.providers[(kind, name)] = plugin
        return True

    def _collect_methodologies(self) -> dict[str, Methodology]:
        owners: dict[str, str] = {}
        documents = []
        for plugin, doc in _documents(self.host, "kam_methodologies",
                                      self.failed_methodologies):
            owners[doc.source] = plugin
            documents.append(doc)
        loaded, errors = load_methodologies(documents)
        names = {doc.source: doc.data.get("name") for doc in documents
                 if isinstance(doc.data, dict)}
        for source, error in errors.items():
            self.host.report(owners[source], str(error))
            name = names.get(source)
            if isinstance(name, str) and name not in loaded:
                self.failed_methodologies.setdefault(name, str(error))
        by_source = {m.source: m for m in loaded.values()}
        result = {}
        for doc in documents:
            methodology = by_source.get(doc.source)
            if methodology and self._claim("methodology", methodology.name, owners[doc.source]):
                result[methodology.name] = methodology
        for methodology in result.values():
            for alias in methodology.aliases:
                self._alias(methodology, alias.casefold(), result, owners[methodology.source])
        return result

    def _alias(self, methodology: Methodology, alias: str, names: Mapping[str, Methodology],
               plugin: str) -> None:
        """Let ``alias`` name ``methodology`` unless it is another's name or alias."""
        holder = self.methodology_aliases.get(alias) or next(
            (name for name in names if name.casefold() == alias), None)
        if holder is not None and holder != methodology.name:
            self.host.report(plugin, f"alias {alias!r} of methodology {methodology.name!r} "
                                     f"already names {holder!r}; ignored")
            return
        self.methodology_aliases[alias] = methodology.name

    def _collect_rubrics(self) -> dict[str, Rubric]:
        result = {}
        for plugin, doc in _documents(self.host, "kam_rubrics"):
            try:
                rubric = build_rubric(doc)
            except InvalidInputError as exc:
                self.host.report(plugin, str(exc))
                continue
            if self._claim("rubric", rubric.name, plugin):
                result[rubric.name] = rubric
        return result

    def _collect(self, hook_name: str, kind: str, cls: type[T]) -> dict[str, T]:
        result: dict[str, T] = {}
        for outcome in self.host.call_registered_first(hook_name):
            for item in outcome.value or ():
                if not isinstance(item, cls):
                    self.host.report(outcome.plugin,
                                     f"{hook_name} returned {item!r}, not a {cls.__name__}")
                    continue
                name: str = item.name  # type: ignore[attr-defined]
                if self._claim(kind, name, outcome.plugin):
                    result[name] = guarded(item, outcome.plugin, self.host)
        return result

    # -- lookups ----------------------------------------------------------------------------

    @staticmethod
    def _lookup(kind: str, table: Mapping[str, T], name: str,
                aliases: Mapping[str, str] | None = None) -> T:
        """``table[name]``; else the one entry whose name or alias (``aliases``: lower-case
        alias -> name) is ``name`` in any case; else :class:`NotFoundError` with the closest
        names."""
        found = table.get(name)
        if found is not None:
            return found
        folded = name.casefold()
        matches = [known for known in table if known.casefold() == folded]
        if len(matches) == 1:
            return table[matches[0]]
        target = (aliases or {}).get(folded)
        if target is not None:
            return table[target]
        raise NotFoundError(kind, name, table, candidates=[*table, *(aliases or {})])

    def methodology(self, name: str) -> Methodology:
        """The installed methodology ``name``, or the one with that alias (any case).

        :raises NotFoundError: listing the installed ones; for a methodology that exists but
            failed to load (a house file with an error), the message says why it failed.
        """
        try:
            return self._lookup("methodology", self.methodologies, name,
                                self.methodology_aliases)
        except NotFoundError as exc:
            why = self.failed_methodologies.get(name)
            if why is None:
                raise
            raise NotFoundError("methodology", name, self.methodologies,
                                reason=f"it failed to load:\n{why}") from exc

    def rubric(self, name: str) -> Rubric:
        """The installed rubric ``name``."""
        return self._lookup("rubric", self.rubrics, name)

    def exporter(self, name: str) -> Exporter:
        """The installed exporter ``name``."""
        return self._lookup("exporter", self.exporters, name)

    def adapter(self, name: str) -> Adapter:
        """The installed adapter ``name``."""
        return self._lookup("adapter", self.adapters, name)

    def sync_adapter(self, source: str) -> Adapter:
        """The installed adapter that pulls from the CRM ``source`` (its ``sync``)."""
        return self._lookup("sync source", {adapter.sync: adapter
                                            for adapter in self.adapters.values()
                                            if adapter.sync is not None}, source)

    def signal(self, name: str) -> Signal:
        """The installed signal ``name``."""
        return self._lookup("signal", self.signals, name)

    def provider(self, kind: str, name: str) -> str | None:
        """The plugin that provides ``kind`` ``name``."""
        return self.providers.get((kind, name))

    def contributions_of(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin contributes, by kind."""
        out: dict[str, list[str]] = {}
        for (kind, name), holder in sorted(self.providers.items()):
            if holder == plugin:
                out.setdefault(kind, []).append(name)
        return out


@functools.cache
def get_registry() -> Registry:
    """The process-wide registry, collected on first use."""
    return Registry(get_plugin_host())

