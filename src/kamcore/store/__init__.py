"""Storage: the workspace, its tables and their migrations."""

from __future__ import annotations

from .engine import workspace_url
from .migrate import MigrationReport, migrate_workspace
from .workspace import RevisionInfo, SaveListener, Workspace
from .writing import SaveOutcome

__all__ = ["MigrationReport", "RevisionInfo", "SaveListener", "SaveOutcome", "Workspace",
           "migrate_workspace", "workspace_url"]
