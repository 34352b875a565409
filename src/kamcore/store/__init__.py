"""Storage: the workspace, its tables and their migrations."""

from __future__ import annotations

from .changes import Change, Version
from .engine import workspace_url
from .migrate import MigrationReport, migrate_workspace
from .workspace import RevisionInfo, SaveListener, Workspace
from .writing import SaveOutcome

__all__ = ["Change", "MigrationReport", "RevisionInfo", "SaveListener", "SaveOutcome", "Version",
           "Workspace", "migrate_workspace", "workspace_url"]
