"""``kam plugins``."""

from __future__ import annotations

import click

from ._common import json_option, print_json, print_table, registry, warn_about_plugins

#: The registration hooks, by the kind of contribution they register: the table names such a
#: hook through what it contributed, and names every other hook the plugin implements.
REGISTERS = {"kam_methodologies": "methodology", "kam_rubrics": "rubric",
             "kam_exporters": "exporter", "kam_adapters": "adapter", "kam_signals": "signal"}


@click.command()
@json_option
def plugins(as_json: bool) -> None:
    """List the plugins, what each contributes and the other hooks it implements (without
    the ``kam_`` prefix), and any plugin that failed (with its error).

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
        contributions = reg.contributions_of(info.name)
        parts = [f"{kind}: {', '.join(names)}" for kind, names in contributions.items()]
        hooks = [hook.removeprefix("kam_") for hook in info.hooks
                 if REGISTERS.get(hook) not in contributions]
        if hooks:
            parts.append(f"hooks: {', '.join(hooks)}")
        rows.append([info.name, info.version or ("built-in" if info.builtin else ""),
                     info.status, "; ".join(parts)])
    print_table("plugins", ["name", "version", "status", "contributes and hooks"], rows)
    warn_about_plugins(reg)
