"""kamcore plugin ``llm``: bring your own language model.

Adds ``kam plan summarize``, ``kam plan draft``, ``kam review brief`` and
``kam stakeholder extract`` through ``kam_commands``. Models come from the ``llm`` library and
its plugins (hosted APIs or local models); the offline ``echo`` model (llm-echo) shows what
would be sent. Guardrails: an allowlist of models (:mod:`.settings`), private parts that never
leave (:mod:`.privacy`), ``--show-prompt``, and model output checked before anything is saved.
Prompt templates can be replaced or extended by house plugins with ``kam_prompts``
(:mod:`.prompts`). This module imports nothing heavy.
"""

from __future__ import annotations

from typing import Any

from kamcore import hookimpl


@hookimpl
def kam_commands() -> list[Any]:
    """``kam plan summarize``, ``kam plan draft``, ``kam review brief`` and
    ``kam stakeholder extract``."""
    from kamcore.plugin import Command

    from .commands import brief, draft, extract, summarize

    return [Command(summarize, under="plan"), Command(draft, under="plan"),
            Command(brief, under="review"), Command(extract, under="stakeholder")]
