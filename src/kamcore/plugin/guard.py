"""Calling what plugins contributed (exporters, adapters, signals) so a failure is theirs.

The registry hands out every contribution wrapped by :func:`guarded`: when an exporter's
``render``, an adapter's ``read`` (while its records are read) or a signal's ``compute`` raises
anything but a :class:`~kamcore.errors.KamError` (a refusal the plugin means, such as an
adapter's bad row) or ``KeyboardInterrupt`` -- an ordinary bug, ``SystemExit`` included -- the
failure is reported against the plugin (``kam plugins``) and raised as a
:class:`~kamcore.errors.PluginError` naming it: the command stops with exit 2 and a message,
never a traceback or a silent exit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ..errors import KamError, PluginError
from .contributions import Adapter, Exporter, PortfolioIndex, Signal

if TYPE_CHECKING:
    from .host import PluginHost

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def guarded(item: T, plugin: str, host: PluginHost) -> T:
    """``item`` (an :class:`Exporter`, :class:`Adapter` or :class:`Signal`) with its callables
    wrapped so that their failures are ``plugin``'s; anything else unchanged."""
    def wrap(what: str, function: F) -> F:
        return contained(function, f"{what} of plugin {plugin!r}", plugin, host)

    if isinstance(item, Exporter):
        index = item.index
        if index is not None:
            index = PortfolioIndex(index.name, wrap(f"exporter {item.name!r}", index.summarise),
                                   wrap(f"exporter {item.name!r}", index.render))
        return attrs.evolve(item, render=wrap(f"exporter {item.name!r}", item.render),
                            index=index)
    if isinstance(item, Adapter):
        read = wrap(f"adapter {item.name!r}", item.read)
        records = functools.partial(_each, read, f"adapter {item.name!r} of plugin {plugin!r}",
                                    plugin, host)
        return attrs.evolve(item, read=records)
    if isinstance(item, Signal):
        return attrs.evolve(item, compute=wrap(f"signal {item.name!r}", item.compute))
    return item


def contained(function: F, who: str, plugin: str, host: PluginHost,
              passes: tuple[type[BaseException], ...] = ()) -> F:
    """``function`` wrapped so that whatever it raises (but a :class:`KamError`,
    ``KeyboardInterrupt`` or one of ``passes``) is reported against ``plugin`` and raised as a
    :class:`PluginError` naming ``who``."""
    through: tuple[type[BaseException], ...] = (KamError, KeyboardInterrupt, *passes)

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except through:
            raise
        except BaseException as exc:
            raise failure(who, plugin, host, exc) from exc

    return call  # type: ignore[return-value]


def _each(read: Callable[..., Iterable[Any]], who: str, plugin: str, host: PluginHost,
          *args: Any, **kwargs: Any) -> Iterator[Any]:
    """The records ``read(*args)`` yields; a failure while they are read is ``plugin``'s."""
    records = iter(read(*args, **kwargs))
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (KamError, KeyboardInterrupt):
            raise
        except BaseException as exc:
            raise failure(who, plugin, host, exc) from exc
        yield record


def failure(who: str, plugin: str, host: PluginHost, exc: BaseException) -> PluginError:
    """Report ``exc`` against ``plugin`` and return the :class:`PluginError` to raise."""
    from .host import described

    message = f"{who} failed: {described(exc)}"
    host.report(plugin, message, exc)
    return PluginError(message)
