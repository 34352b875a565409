"""``kam plugins``."""

from __future__ import annotations

import click

from ._common import json_option, print_json, print_table, registry, warn_about_plugins


@click.command()
@json_option
def plugins(as_json: bool) -> None:
    """List the plugins, the hooks each implements (without the ``kam_`` prefix), what each
    contributes, and any plugin that failed (with its error).

    Failed plugins are skipped, not fatal: the command still exits 0
    (unless KAMCORE_STRICT_PLUGINS=1).
    """
    reg = registry()
    listing = reg.host.listing()
    if as_json:
        print_json([{**info.as_dict(), "contributes": reg.contributions_of(info.name)}
                    for info in listing])
        return
    rows = []
    for info in listing:
        contributes = "; ".join(f"{kind}: {', '.join(names)}"
                                for kind, names in reg.contributions_of(info.name).items())
        hooks = ", ".join(hook.removeprefix("kam_") for hook in info.hooks)
        rows.append([info.name, info.version or ("built-in" if info.builtin else ""),
                     info.status, hooks, contributes])
    print_table("plugins", ["name", "version", "status", "hooks", "contributes"], rows)
    warn_about_plugins(reg)
