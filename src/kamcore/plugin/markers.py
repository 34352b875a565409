"""The pluggy markers of the ``kamcore`` project."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "kamcore"
ENTRY_POINT_GROUP = "kamcore"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
