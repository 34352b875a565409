"""Plain-text forms of plan values shared by the exporters (Markdown, HTML, XLSX, PPTX).

These return unescaped text: each exporter escapes for its own format. The forms do not depend
on the machine's locale: thousands are separated with ``,``, decimals with ``.``, negatives
carry a real minus sign (U+2212, ``\u22121.5``) and months are English abbreviations
(``5 Mar 2026``). Hand-written rather than Babel: the exporters need one fixed form, not the
reader's, and importing Babel's locale data would cost every command that renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Stakeholder
    from .plugin.contributions import ExportContext

_STEP_NUMBER = re.compile(r"^\s*\d+[.)]\s+")
_MINUS = "\u2212"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- numbers ---------------------------------------------------------------------------------


def _minus(text: str) -> str:
    """A formatted number with a real minus sign; a negative that rounded to zero (``-0.00``)
    loses its sign."""
    if not text.startswith("-"):
        return text
    digits = text[1:]
    return digits if not digits.strip("0.,") else _MINUS + digits


def full_number(value: float | None) -> str:
    """A number or amount in full, with thousands separators: 1234567.0 -> ``1,234,567``;
    2.5 -> ``2.50``; -1500 -> ``\u22121,500``; None -> ``""``."""
    if value is None:
        return ""
    return _minus(f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}")


def compact(value: float | None) -> str:
    """A number or amount in short: 1234567 -> ``1.2M``; 500000 -> ``500k``; 950 -> ``950``;
    -2500 -> ``\u22122.5k``; None -> ``""``."""
    if value is None:
        return ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return _minus(f"{value / limit:.1f}".rstrip("0").rstrip(".")) + suffix
    return _minus(f"{value:,.0f}")


def score(value: float | None) -> str:
    """A score with at most two decimals: 3.5 -> ``3.5``; 4.0 -> ``4``; 2.333 -> ``2.33``;
    -1 -> ``\u22121``; None -> ``""``."""
    if value is None:
        return ""
    return _minus(f"{value:.2f}".rstrip("0").rstrip("."))


def score_with_band(total: float | None, band: str | None) -> str:
    """A score card's total and band: ``3.5 (healthy)``; ``3.5`` without a band."""
    return score(total) + (f" ({band})" if band else "")


def signed(value: float | None) -> str:
    """A support level or a change with its sign, digits as :func:`score` shows them: ``+2``,
    ``0``, ``\u22121``, ``+0.25`` (0.001 -> ``0``); None -> ``""``."""
    if value is None:
        return ""
    text = score(value)
    return f"+{text}" if value > 0 and text != "0" else text


# -- dates -----------------------------------------------------------------------------------


def when(value: date | datetime | str | None) -> str:
    """A date as ``5 Mar 2026``, with English month names whatever the locale (a datetime keeps
    its own date; an ISO date string is read; other text is returned as it is; None -> ``""``).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


# -- text ------------------------------------------------------------------------------------


def label(key: Any) -> str:
    """A field key as a label: ``customer_owner`` -> ``Customer owner``."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def counted(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun in the right number: ``1 opportunity``, ``3 opportunities``
    (``many`` defaults to ``one`` + ``s``)."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def person(stakeholder: Stakeholder) -> str:
    """A stakeholder's name as every table and map shows it: a placeholder, standing for a
    person not known yet, as ``CFO: unknown``."""
    return f"{stakeholder.name}: unknown" if stakeholder.placeholder else stakeholder.name


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
