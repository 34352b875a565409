"""``python -m kamcore``: the ``kam`` command."""

from __future__ import annotations

from .cli import main

main()
