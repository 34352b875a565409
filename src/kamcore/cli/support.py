"""What a plugin's ``kam`` commands (``kam_commands``) use to behave like kamcore's own.

The same workspace (``--workspace`` / ``$KAM_WORKSPACE`` / ``./kam.db``) opened with the
plugins' event hooks, the same actor (``--user`` / ``$KAM_USER`` / the login name), the same
``--json`` flag and output. Errors are kamcore's (:class:`kamcore.KamError` and subclasses):
raise them and ``kam`` prints the message and exits with their code.
"""

from __future__ import annotations

from ._common import (
    actor,
    json_option,
    open_workspace,
    parse_date,
    print_json,
    print_table,
    workspace_target,
)

__all__ = ["actor", "json_option", "open_workspace", "parse_date", "print_json", "print_table",
           "workspace_target"]
