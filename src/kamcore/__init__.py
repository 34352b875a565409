"""kamcore: key-account planning with methodologies, rubrics, adapters and exporters as plugins.

The public API is re-exported here. Names are imported lazily (PEP 562) so that
``import kamcore`` -- and ``kam --help`` -- stay fast and pull in neither pydantic, SQLAlchemy
nor any plugin until they are used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import exports
from .plugin.markers import hookimpl, hookspec

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    # records
    "Account": "kamcore.model",
    "Stakeholder": "kamcore.model",
    "Relationship": "kamcore.model",
    "Opportunity": "kamcore.model",
    "Plan": "kamcore.model",
    "MethodologyRef": "kamcore.model",
    "Objective": "kamcore.model",
    "Signoff": "kamcore.model",
    "Action": "kamcore.model",
    "Risk": "kamcore.model",
    "WhitespaceCell": "kamcore.model",
    "Review": "kamcore.model",
    "ScoreCard": "kamcore.model",
    "RubricRef": "kamcore.model",
    "Finding": "kamcore.model",
    "Record": "kamcore.model",
    # errors
    "KamError": "kamcore.errors",
    "InvalidInputError": "kamcore.errors",
    "NotFoundError": "kamcore.errors",
    "ConflictError": "kamcore.errors",
    "PluginError": "kamcore.errors",
    "WorkspaceError": "kamcore.errors",
    "Problem": "kamcore.errors",
    # contributions and runtime objects
    "Exporter": "kamcore.plugin.contributions",
    "Adapter": "kamcore.plugin.contributions",
    "Signal": "kamcore.plugin.contributions",
    "PortfolioIndex": "kamcore.plugin.contributions",
    "ExportContext": "kamcore.plugin.contributions",
    "AccountSnapshot": "kamcore.snapshot",
    "Methodology": "kamcore.methodology",
    "Rubric": "kamcore.rubric",
    "Workspace": "kamcore.store",
    "HookEvents": "kamcore.events",
    "Registry": "kamcore.plugin.registry",
    "get_registry": "kamcore.plugin.registry",
    "PluginHost": "kamcore.plugin.host",
    "make_plugin_host": "kamcore.plugin.host",
    "get_plugin_host": "kamcore.plugin.host",
    "AdvanceRefused": "kamcore.planning",
}


__getattr__, __dir__ = exports("kamcore", _LAZY, globals())

if TYPE_CHECKING:
    from .errors import (
        ConflictError,
        InvalidInputError,
        KamError,
        NotFoundError,
        PluginError,
        Problem,
        WorkspaceError,
    )
    from .events import HookEvents
    from .methodology import Methodology
    from .model import (
        Account,
        Action,
        Finding,
        MethodologyRef,
        Objective,
        Opportunity,
        Plan,
        Record,
        Relationship,
        Review,
        Risk,
        RubricRef,
        ScoreCard,
        Signoff,
        Stakeholder,
        WhitespaceCell,
    )
    from .planning import AdvanceRefused
    from .plugin.contributions import (
        Adapter,
        ExportContext,
        Exporter,
        PortfolioIndex,
        Signal,
    )
    from .plugin.host import PluginHost, get_plugin_host, make_plugin_host
    from .plugin.registry import Registry, get_registry
    from .rubric import Rubric
    from .snapshot import AccountSnapshot
    from .store import Workspace

__all__ = [
    "Account",
    "AccountSnapshot",
    "Action",
    "Adapter",
    "AdvanceRefused",
    "ConflictError",
    "ExportContext",
    "Exporter",
    "Finding",
    "HookEvents",
    "InvalidInputError",
    "KamError",
    "Methodology",
    "MethodologyRef",
    "NotFoundError",
    "Objective",
    "Opportunity",
    "Plan",
    "PluginError",
    "PluginHost",
    "PortfolioIndex",
    "Problem",
    "Record",
    "Registry",
    "Relationship",
    "Review",
    "Risk",
    "Rubric",
    "RubricRef",
    "ScoreCard",
    "Signal",
    "Signoff",
    "Stakeholder",
    "WhitespaceCell",
    "Workspace",
    "WorkspaceError",
    "__version__",
    "get_plugin_host",
    "get_registry",
    "hookimpl",
    "hookspec",
    "make_plugin_host",
]
