"""Built-in rubrics: account-tiering, stakeholder-coverage and qbr-health (YAML data)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from ...plugin.markers import hookimpl


@hookimpl
def kam_rubrics() -> list[Traversable]:
    folder = files("kamcore.builtin.rubrics")
    return [folder / name for name in
            ("account-tiering.yaml", "stakeholder-coverage.yaml", "qbr-health.yaml")]
