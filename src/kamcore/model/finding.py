"""Finding: one thing a check has to say about a plan."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import Shape

Severity = Literal["error", "warning", "info"]

SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


class Finding(Shape):
    """A gap or problem in a plan.

    ``code`` is a stable kebab-case identifier (``objective-without-signoff``) that tools may
    match on; ``path`` points into the plan (``sections.objectives[0].customer_signoff``);
    ``source`` names the plugin (or ``kamcore``) that raised it.
    """

    model_config = {"frozen": True}

    severity: Severity
    code: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    message: str = Field(min_length=1)
    path: str | None = None
    source: str = "kamcore"
    subject: str | None = Field(default=None, description="Id of the record concerned, if any.")

    def sort_key(self) -> tuple[int, str, str]:
        """Errors first, then by path and code."""
        return (SEVERITY_ORDER[self.severity], self.path or "", self.code)
