"""Storage: the workspace and its tables."""

from __future__ import annotations

from .workspace import RevisionInfo, SaveOutcome, Workspace, workspace_url

__all__ = ["RevisionInfo", "SaveOutcome", "Workspace", "workspace_url"]
