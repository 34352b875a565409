"""Which model a command uses, and which models may receive customer data.

``--model`` names the model for one command; without it ``$KAM_LLM_MODEL`` does, else the
workspace setting ``llm.model`` (``kam settings set llm.model NAME``), else the offline ``echo``
model (llm-echo: it sends nothing anywhere and answers with what it was given).

The models allowed to receive customer data (llm model ids or aliases, comma-separated) are the
workspace setting ``llm.allowed_models`` when it is set (then ``$KAM_LLM_ALLOWED_MODELS`` cannot
widen it), else ``$KAM_LLM_ALLOWED_MODELS``, else ``echo`` alone. A model not on the list is
refused before anything is sent. Keys never live here: they stay in llm's own configuration
(``llm keys set NAME``) and kamcore neither reads nor prints them.
"""

from __future__ import annotations

import os

import attrs

from kamcore.errors import InvalidInputError
from kamcore.operations.settings import settings
from kamcore.store import Workspace

#: The model used when neither ``--model`` nor ``$KAM_LLM_MODEL`` names one.
DEFAULT_MODEL = "echo"
#: The models allowed when ``$KAM_LLM_ALLOWED_MODELS`` is unset.
DEFAULT_ALLOWED = ("echo",)


@attrs.frozen
class ModelSettings:
    """The model settings in force: the default model and the allowlist."""

    default: str
    allowed: tuple[str, ...]

    @classmethod
    def of(cls, workspace: Workspace) -> ModelSettings:
        """The settings in force for ``workspace`` (see the module docstring for the order)."""
        stored = settings(workspace)
        listed = stored.get("llm.allowed_models", os.environ.get("KAM_LLM_ALLOWED_MODELS"))
        allowed = (DEFAULT_ALLOWED if listed is None
                   else tuple(part.strip() for part in listed.split(",") if part.strip()))
        default = (os.environ.get("KAM_LLM_MODEL", "").strip()
                   or stored.get("llm.model", "").strip() or DEFAULT_MODEL)
        return cls(default, allowed)

    def chosen(self, requested: str | None) -> str:
        """The model a command uses: ``requested`` (``--model``) or the default."""
        return (requested or "").strip() or self.default

    def refuse_unless_allowed(self, name: str, model_id: str) -> None:
        """Refuse a model that is not on the allowlist, by the name given or its llm id.

        :raises InvalidInputError: naming the model and the allowlist; nothing was sent.
        """
        if name in self.allowed or model_id in self.allowed:
            return
        listed = ", ".join(self.allowed) or "none"
        raise InvalidInputError(
            f"--model: model {name!r} is not allowed to receive customer data (allowed: "
            f"{listed}); add it to the workspace setting llm.allowed_models (kam settings set) if "
            "your organisation permits it, or use --show-prompt to see what would be sent "
            "without sending it")
