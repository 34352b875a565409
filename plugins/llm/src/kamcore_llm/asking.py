"""Talking to a model through the ``llm`` library: finding it, sending one prompt, reading
structured output.

``llm`` is imported here, inside the functions, so that ``kam --help`` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from kamcore.errors import InvalidInputError, KamError, NotFoundError

from .prompts import Prompt
from .settings import ModelSettings

if TYPE_CHECKING:
    import llm


class ModelOutputRefused(InvalidInputError):
    """What the model answered cannot be used (not JSON, or not what the schema asks for),
    with every problem located; nothing was saved. Not bad input from the user: the CLI exits
    with code 1."""

    exit_code = 1


class ModelFailed(KamError):
    """The model could not be reached or raised (no key, server down...); nothing was saved."""


def find_model(name: str) -> llm.Model:
    """The llm model named ``name`` (an id or an alias).

    :raises NotFoundError: no installed llm model has that name (the message lists them).
    """
    import llm

    try:
        return llm.get_model(name)
    except llm.UnknownModelError:
        known = sorted({alias for found in llm.get_models_with_aliases()
                        for alias in (found.model.model_id, *found.aliases)})
        raise NotFoundError("llm model", name, known[:40], known) from None


def send(model: llm.Model, prompt: Prompt, schema: Mapping[str, Any] | None = None) -> str:
    """Send ``prompt`` to ``model`` and return the text of its answer.

    :param schema: a JSON Schema the answer must satisfy, passed to models that support
        structured output (the prompt states it for the others).
    :raises ModelFailed: the model raised (a missing key, a server that does not answer).
    """
    use_schema = dict(schema) if schema is not None and model.supports_schema else None
    try:
        response = model.prompt(prompt.text, system=prompt.system, schema=use_schema,
                                stream=False)
        return response.text()
    except KamError:
        raise
    except Exception as exc:
        raise ModelFailed(f"model {model.model_id!r} failed: {type(exc).__name__}: {exc}") \
            from None


def parse_json(text: str, model_id: str) -> Any:
    """The model's answer as JSON (a fenced ```json block is unwrapped).

    :raises ModelOutputRefused: the answer is not JSON.
    """
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0]
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ModelOutputRefused(
            f"the answer of model {model_id!r} is not JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg}); nothing was saved. It began: {text[:200]!r}") from None


@attrs.frozen
class Asked:
    """One exchange: the model named, exactly what was (or would be) sent, and the answer
    (None when only the prompt was asked for: nothing was sent)."""

    model: str
    prompt: Prompt
    answer: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"model": self.model, "sent": self.answer is not None,
                **self.prompt.as_dict(), "answer": self.answer}


def ask(prompt: Prompt, model_name: str, settings: ModelSettings, *, show_only: bool,
        schema: Mapping[str, Any] | None = None) -> Asked:
    """Send ``prompt`` to the model ``model_name`` if the settings allow it.

    :param show_only: send nothing; return the prompt only (``--show-prompt``).
    :raises NotFoundError: no such llm model.
    :raises InvalidInputError: the model is not allowed to receive customer data.
    :raises ModelFailed: the model raised.
    """
    if show_only:
        return Asked(model_name, prompt)
    model = find_model(model_name)
    settings.refuse_unless_allowed(model_name, model.model_id)
    return Asked(model.model_id, prompt, send(model, prompt, schema))
