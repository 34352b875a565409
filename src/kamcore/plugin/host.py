"""Loading plugins: the built-ins, then the ``kamcore`` entry points, each in isolation.

:func:`get_plugin_host` builds the process-wide :class:`PluginHost` once. Environment:

``KAMCORE_LOAD_PLUGINS``
    Comma-separated allowlist of external plugins (entry-point or distribution names). Unset:
    load all; empty: load none. Built-in plugins always load.
``KAMCORE_STRICT_PLUGINS``
    ``1`` makes any plugin failure fatal (:class:`kamcore.PluginError`, chained to what the
    plugin raised) instead of reported.
``KAMCORE_DEBUG``
    ``1`` prints the traceback of every plugin failure (import, registration, hook call, a
    contribution's callable) to stderr when it is reported.

A plugin fails in isolation whatever it raises while being imported, registered or called:
``SystemExit`` and every other ``BaseException`` are caught and reported like an ``Exception``
(a plugin calling ``sys.exit()`` never ends ``kam`` having done nothing); only
``KeyboardInterrupt`` goes through, so Ctrl-C still stops ``kam``.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Iterable, Mapping
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any, Literal

import attrs
import pluggy

from ..errors import PluginError
from . import spec
from .markers import ENTRY_POINT_GROUP, PROJECT_NAME

#: Modules of the core's own features, registered exactly like external plugins.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "kamcore.builtin.exporters",
    "kamcore.builtin.adapters",
    "kamcore.builtin.checks",
    "kamcore.builtin.staleness",
    "kamcore.builtin.coverage",
    "kamcore.builtin.rubrics",
    "kamcore.builtin.signals",
    "kamcore.builtin.local_documents",
)


@attrs.define
class PluginInfo:
    """What ``kam plugins`` shows about one plugin."""

    name: str
    builtin: bool
    distribution: str | None = None
    version: str | None = None
    hooks: list[str] = attrs.field(factory=list)
    status: str = "loaded"  # loaded | failed | disabled
    errors: list[str] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return attrs.asdict(self)


@attrs.frozen
class HookOutcome:
    """The result of one implementation of a hook: its value or the exception it raised."""

    plugin: str
    value: Any = None
    error: BaseException | None = None


def described(exc: BaseException) -> str:
    """``Type: message`` for a plugin's failure (``SystemExit: called sys.exit(0)``)."""
    if isinstance(exc, SystemExit):
        return f"SystemExit: called sys.exit({exc.code!r})"
    return f"{type(exc).__name__}: {exc}"


def _env_allowlist() -> frozenset[str] | None:
    value = os.environ.get("KAMCORE_LOAD_PLUGINS")
    if value is None:
        return None
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _env_strict() -> bool:
    return _env_flag("KAMCORE_STRICT_PLUGINS")


def debugging() -> bool:
    """True when ``KAMCORE_DEBUG`` asks for tracebacks."""
    return _env_flag("KAMCORE_DEBUG")


class PluginHost:
    """A pluggy manager with kamcore's specs, the loaded plugins and their failures."""

    def __init__(self, *, strict: bool = False) -> None:
        self.pm = pluggy.PluginManager(PROJECT_NAME)
        self.pm.add_hookspecs(spec)
        self.strict = strict
        self.plugins: dict[str, PluginInfo] = {}

    # -- registration ---------------------------------------------------------------------

    def register(self, plugin: ModuleType | object, info: PluginInfo) -> None:
        """Register ``plugin`` under ``info.name``; on failure record it (or raise if strict)."""
        self.plugins[info.name] = info
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self.pm.register(plugin, name=info.name)
        except (pluggy.PluginValidationError, ValueError) as exc:
            self._fail(info, f"refused: {exc}", exc)
            return
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # e.g. a module __getattr__ that calls sys.exit()
            self._fail(info, f"registration failed: {described(exc)}", exc)
            return
        # deprecations announced by the hookspecs (warn_on_impl / warn_on_impl_args)
        info.warnings.extend(str(warning.message) for warning in caught)
        refusals = self._unknown_hooks(info.name) + self._wrappers(plugin)
        if refusals:
            self.pm.unregister(name=info.name)
            self._fail(info, "refused: " + "; ".join(refusals))
            return
        info.hooks = sorted(
            hook.name for hook in self.pm.get_hookcallers(plugin) or () if hook.name
        )

    def _unknown_hooks(self, name: str) -> list[str]:
        known = [name for name in dir(spec) if name.startswith("kam_")]
        messages = []
        for hook_name, caller in vars(self.pm.hook).items():
            if caller.spec is not None or hook_name.startswith("_"):
                continue
            if any(impl.plugin_name == name for impl in caller.get_hookimpls()):
                import difflib

                guess = difflib.get_close_matches(hook_name, known, n=1)
                hint = f" (did you mean {guess[0]}?)" if guess else ""
                messages.append(f"hookimpl {hook_name!r} matches no kamcore hook{hint}")
        return messages

    def _wrappers(self, plugin: ModuleType | object) -> list[str]:
        """Hook wrappers among ``plugin``'s implementations: kamcore calls each implementation
        on its own (see :meth:`call`), so a wrapper would never run; it is refused instead."""
        return [
            f"hookimpl {caller.name!r} is a hook wrapper; kamcore calls each implementation on "
            "its own and runs no wrappers (drop wrapper=True / hookwrapper=True)"
            for caller in self.pm.get_hookcallers(plugin) or ()
            for impl in caller.get_hookimpls()
            if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper)
        ]

    def _fail(self, info: PluginInfo, message: str, error: BaseException | None = None) -> None:
        info.status = "failed"
        self._record(info, message, error)

    def report(self, plugin: str, message: str, error: BaseException | None = None) -> None:
        """Record a failure of an already registered plugin (a hook that raised, bad data).

        :param error: what the plugin raised, if it raised: its traceback is printed to stderr
            under ``KAMCORE_DEBUG=1``, and the strict mode's :class:`PluginError` is chained to
            it (so pytest and ``python -X dev`` show where in the plugin it happened).
        """
        info = self.plugins.setdefault(plugin, PluginInfo(name=plugin, builtin=False))
        self._record(info, message, error)

    def _record(self, info: PluginInfo, message: str, error: BaseException | None) -> None:
        info.errors.append(message)
        if error is not None and debugging():
            trace = "".join(traceback.format_exception(error))
            print(f"kamcore: plugin {info.name!r}: {message}\n{trace}", file=sys.stderr,
                  end="" if trace.endswith("\n") else "\n")
        if self.strict:
            raise PluginError(
                f"plugin {info.name!r} failed (KAMCORE_STRICT_PLUGINS=1): {message}") from error

    def load_builtins(self, modules: Iterable[str] = BUILTIN_PLUGINS) -> None:
        """Register the built-in plugin modules."""
        for module_name in modules:
            info = PluginInfo(name=module_name, builtin=True, distribution="kamcore")
            self.register(importlib.import_module(module_name), info)

    def load_entry_points(self, allowlist: frozenset[str] | None = None) -> None:
        """Load every ``kamcore`` entry point the allowlist admits, each in isolation."""
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            dist = ep.dist.name if ep.dist is not None else None
            info = PluginInfo(
                name=ep.name, builtin=False, distribution=dist,
                version=ep.dist.version if ep.dist is not None else None,
            )
            if ep.name in self.plugins:
                continue
            if allowlist is not None and ep.name not in allowlist and dist not in allowlist:
                info.status = "disabled"
                self.plugins[ep.name] = info
                continue
            try:
                plugin = ep.load()
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                self.plugins[ep.name] = info
                self._fail(info, f"import failed: {described(exc)}", exc)
                continue
            self.register(plugin, info)

    # -- calling --------------------------------------------------------------------------

    def call(self, hook_name: str, **kwargs: Any) -> list[HookOutcome]:
        """Call every implementation of ``hook_name`` on its own, in pluggy's order.

        The order is pluggy's: ``tryfirst`` implementations first, ``trylast`` ones last, and
        otherwise the plugin registered last first. Each implementation receives the subset of
        ``kwargs`` it names. Whatever an implementation raises (``SystemExit`` too; only
        ``KeyboardInterrupt`` goes through) is caught, reported against the plugin and returned
        in the outcome (raised in strict mode), and the next implementation still runs. For a
        hook declared ``firstresult=True`` the calls stop at the first value that is not None.
        """
        caller = getattr(self.pm.hook, hook_name)
        first_result = bool(caller.spec and caller.spec.opts.get("firstresult"))
        outcomes = []
        for impl in reversed(caller.get_hookimpls()):
            try:
                value = impl.function(*(kwargs[arg] for arg in impl.argnames))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                self.report(impl.plugin_name, f"{hook_name} raised {described(exc)}", exc)
                outcomes.append(HookOutcome(impl.plugin_name, error=exc))
                continue
            outcomes.append(HookOutcome(impl.plugin_name, value=value))
            if first_result and value is not None:
                break
        return outcomes

    def call_registered_first(self, hook_name: str) -> list[HookOutcome]:
        """The outcomes of :meth:`call` for a registration hook, the plugin registered first
        first (built-ins before entry points): a contested name stays with the plugin
        registered first, whatever order pluggy calls the implementations in."""
        order = {name: index for index, name in enumerate(self.plugins)}
        return sorted(self.call(hook_name),
                      key=lambda outcome: order.get(outcome.plugin, len(order)))

    def listing(self) -> list[PluginInfo]:
        """Every plugin seen: built-ins first, then external ones by name."""
        return sorted(self.plugins.values(), key=lambda info: (not info.builtin, info.name))


def make_plugin_host(
    *,
    builtins: bool = True,
    entry_points: bool = True,
    allowlist: frozenset[str] | Literal[True] | None = True,
    strict: bool | None = None,
    extra: Mapping[str, object] | None = None,
) -> PluginHost:
    """Build a fresh :class:`PluginHost`.

    :param allowlist: ``True`` reads ``KAMCORE_LOAD_PLUGINS``; a set restricts entry points;
        ``None`` loads them all.
    :param strict: None reads ``KAMCORE_STRICT_PLUGINS``.
    :param extra: plugin objects to register directly, by name (for tests and embedding).
    """
    host = PluginHost(strict=_env_strict() if strict is None else strict)
    if builtins:
        host.load_builtins()
    if entry_points:
        host.load_entry_points(_env_allowlist() if allowlist is True else allowlist)
    for name, plugin in (extra or {}).items():
        host.register(plugin, PluginInfo(name=name, builtin=False))
    return host


@functools.cache
def get_plugin_host() -> PluginHost:
    """The process-wide plugin host, built on first use."""
    return make_plugin_host()
