"""Plain-text forms of plan values shared by the exporters (Markdown, HTML, office).

These return unescaped text: each exporter escapes for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plugin.contributions import ExportContext

_STEP_NUMBER = re.compile(r"^\s*\d+[.)]\s+")


def label(key: Any) -> str:
    """A field key as a label: ``customer_owner`` -> ``Customer owner``."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def full_number(value: float | None) -> str:
    """A number with thousands separators: 1234567.0 -> ``1,234,567``; 2.5 -> ``2.50``."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def flat(value: Any) -> str:
    """A nested value as one line of text (for a table cell): mappings as ``Key: value; ...``,
    lists joined with commas, sets sorted, booleans as yes/no, floats with separators."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "; ".join(f"{label(k)}: {flat(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(flat(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(flat(v) for v in value))
    if isinstance(value, float):
        return full_number(value)
    return str(value)


def unnumbered(title: str) -> str:
    """A step title without a hand-written number (``1. Customer business`` ->
    ``Customer business``): reports number the steps themselves."""
    return _STEP_NUMBER.sub("", title)


def step_title(context: ExportContext) -> str:
    """The plan's current step as reports show it, ``Customer business (step 1 of 7)``; the
    bare step key when the methodology is not installed or has no such step."""
    methodology, plan = context.methodology, context.plan
    if methodology is None:
        return plan.step
    keys = [step.key for step in methodology.steps]
    if plan.step not in keys:
        return plan.step
    index = keys.index(plan.step)
    return f"{unnumbered(methodology.steps[index].title)} (step {index + 1} of {len(keys)})"
