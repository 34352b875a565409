"""Jinja filters of the template: the plugin's name checked as soon as it is typed, and the
list of what the plugin provides read from one answer.

Cookiecutter renders each answer's default right after the previous prompt, so a bad
``plugin_name`` is refused right after the first prompt (``distribution_name``'s default uses
:func:`plugin_name`) and a bad ``provides`` right after its own (``description``'s default uses
:func:`kinds`), not after every question has been asked.
"""

from __future__ import annotations

import re

from cookiecutter.utils import simple_filter
from jinja2.exceptions import UndefinedError

#: What a plugin can provide, one scaffold (source and tests) each.
KINDS = ("methodology", "rubric", "exporter", "adapter", "check")

_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")


@simple_filter
def plugin_name(value: str) -> str:
    """``value`` with hyphens as underscores (``northstar-kam`` -> ``northstar_kam``), the form
    of the entry point and of the module; refused unless lower-case letters, digits, ``-`` and
    ``_`` starting with a letter."""
    name = str(value).strip()
    if not _NAME.fullmatch(name):
        raise UndefinedError(
            f"plugin_name {name!r}: use lower-case letters, digits, '-' or '_', starting "
            "with a letter (for example northstar_kam or northstar-kam)")
    return name.replace("-", "_")


@simple_filter
def kinds(value: str) -> list[str]:
    """The kinds named in ``value`` (comma- or space-separated), in :data:`KINDS` order;
    refused if one is unknown or none is given."""
    given = [part for part in re.split(r"[\s,]+", str(value).strip().lower()) if part]
    unknown = [part for part in given if part not in KINDS]
    if unknown or not given:
        raise UndefinedError(
            f"provides {value!r}: name one or more of {', '.join(KINDS)}, separated by commas"
            + (f" ({', '.join(map(repr, unknown))} is not one)" if unknown else ""))
    return [kind for kind in KINDS if kind in given]
