"""Prompt templates: the plugin's own, and those house plugins contribute with
``kam_prompts`` (see the hook reference) to replace or extend them.

A prompt is a system prompt and a text: the task's instructions (and any ``extra`` a house
plugin appends), then the facts the task gathered. Facts are added by code, never through a
template, so a template cannot pull in what privacy keeps out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from kamcore.plugin.host import PluginHost

Task = Literal["summarize", "brief", "draft", "extract"]
TASKS: tuple[Task, ...] = ("summarize", "brief", "draft", "extract")
#: The keys a ``kam_prompts`` mapping may hold.
TEMPLATE_KEYS = frozenset({"task", "system", "instructions", "extra", "methodology"})

_SYSTEM = ("You help a key-account team keep its account plan current. Use only the facts "
           "given; never invent people, numbers, dates or commitments. Be brief and concrete.")


@attrs.frozen
class Template:
    """How one task asks: its system prompt, its instructions and what is appended to them."""

    system: str
    instructions: str
    extras: tuple[str, ...] = ()


#: The plugin's own templates, by task.
DEFAULTS: Mapping[Task, Template] = {
    "summarize": Template(_SYSTEM, (
        "Write a short narrative (at most 150 words, plain prose, no headings) of what changed "
        "in this account plan, most important first: the relationships, the objectives, the "
        "actions, the risks, the scores. Then say in one or two sentences what the findings "
        "still ask the team to fix.")),
    "brief": Template(_SYSTEM, (
        "Write a one-page brief for the next review of this account plan, in Markdown with "
        "these headings: What changed; Contacts gone quiet; Open and overdue actions; Gate "
        "status; Score trend; Questions to ask the customer (three to five, specific to the "
        "facts).")),
    "draft": Template(_SYSTEM, (
        "Draft the plan section named below from the notes. Answer with JSON only: one value "
        "that satisfies the JSON Schema given. Keep what the current section holds unless the "
        "notes change it; leave out what the notes do not support.")),
    "extract": Template(_SYSTEM, (
        "From the meeting notes, propose changes to the account's stakeholder map: new "
        "people, changed titles, reporting lines, and cues of support (-2 opposes to +2 "
        "sponsors). Answer with JSON only, satisfying the JSON Schema given; quote the words "
        "of the notes each proposal rests on as its evidence. Refer to a known stakeholder by "
        "the id given.")),
}


@attrs.frozen
class Prompt:
    """Exactly what is sent: the system prompt and the prompt text."""

    system: str
    text: str

    def shown(self) -> str:
        """The prompt as ``--show-prompt`` prints it."""
        return f"--- system ---\n{self.system}\n--- prompt ---\n{self.text}\n"

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"system": self.system, "prompt": self.text}


def _valid(host: PluginHost, plugin: str, item: Any) -> Mapping[str, str] | None:
    """``item`` if it is a well-formed template mapping; else reported and None."""
    problem = None
    if not isinstance(item, Mapping):
        problem = f"returned {item!r}, not a mapping"
    elif item.get("task") not in TASKS:
        problem = f"task {item.get('task')!r} is not one of {', '.join(TASKS)}"
    elif set(item) - TEMPLATE_KEYS:
        problem = f"unknown keys {sorted(set(item) - TEMPLATE_KEYS)} (known: " \
                  f"{', '.join(sorted(TEMPLATE_KEYS))})"
    elif not all(isinstance(value, str) and value.strip() for value in item.values()):
        problem = "every value must be non-empty text"
    if problem is not None:
        host.report(plugin, f"kam_prompts: {problem}; skipped")
        return None
    return {str(key): str(value) for key, value in item.items()}


def contributed(host: PluginHost) -> list[Mapping[str, str]]:
    """Every well-formed ``kam_prompts`` mapping, the plugin registered first first."""
    found = []
    for outcome in host.call_registered_first("kam_prompts"):
        if outcome.error is not None or outcome.value is None:
            continue
        items: Iterable[Any] = outcome.value if isinstance(outcome.value, Iterable) \
            and not isinstance(outcome.value, (Mapping, str)) else [outcome.value]
        found += [valid for item in items
                  if (valid := _valid(host, outcome.plugin, item)) is not None]
    return found


def template_for(task: Task, lineage: Sequence[str], contributions: Iterable[Mapping[str, str]],
                 ) -> Template:
    """The template of ``task`` for a plan whose methodology has ``lineage`` (its name first,
    then those it extends): the plugin's own, then the general contributions, then those for
    a methodology of the lineage, the farthest first, so the most specific is applied last."""
    def rank(item: Mapping[str, str]) -> int:
        name = item.get("methodology")
        return -1 if name is None else len(lineage) - lineage.index(name)

    applying = sorted((item for item in contributions if item["task"] == task
                       and item.get("methodology") in (None, *lineage)), key=rank)
    template = DEFAULTS[task]
    for item in applying:
        template = Template(
            item.get("system", template.system),
            item.get("instructions", template.instructions),
            template.extras + ((item["extra"],) if "extra" in item else ()),
        )
    return template


def build(template: Template, facts: str) -> Prompt:
    """The prompt of ``template`` with ``facts`` after the instructions."""
    text = "\n\n".join([template.instructions, *template.extras, facts.strip()])
    return Prompt(template.system, text + "\n")
