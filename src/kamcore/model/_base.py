"""Shared pieces of every record: ids, revisions and the field types used across records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

RecordId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$",
        description="Stable identifier: letters, digits and . _ : @ - (starts alphanumeric).",
    ),
]

#: A set of strings, serialised sorted so that the same record always gives the same JSON.
StringSet = Annotated[
    frozenset[str],
    PlainSerializer(sorted, return_type=list[str], when_used="always"),
    Field(json_schema_extra={"uniqueItems": True}),
]

ExternalIds = Annotated[
    dict[str, str],
    Field(description="CRM or system name -> that system's id for this record."),
]


class Shape(BaseModel):
    """Base of every kamcore model: unknown fields are refused, values are re-validated.

    Each model's validator is built on first use (``defer_build``), so importing the models,
    as every plugin does, costs little until a record is actually read or written.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False,
                              defer_build=True)


class Record(Shape):
    """A stored record: it has an id and an append-only revision history in a workspace.

    ``revision`` is 0 for a record that was never saved; each save stores revision ``n + 1``
    and must name the revision it was based on (by default the record's own ``revision``).
    """

    kind: ClassVar[str]
    #: Field naming the account a record belongs to, if any (indexed by the workspace).
    account_field: ClassVar[str | None] = "account_id"

    id: RecordId
    revision: int = Field(default=0, ge=0, description="Revision this copy was read at; 0 = new.")
    created_at: datetime | None = Field(default=None, description="When revision 1 was saved.")
    updated_at: datetime | None = Field(default=None, description="When this revision was saved.")
    updated_by: str | None = Field(default=None, description="Who saved this revision.")

    def owner_account_id(self) -> str | None:
        """The id of the account this record belongs to (the account itself for an Account)."""
        if self.account_field is None:
            return None
        value: Any = getattr(self, self.account_field)
        return None if value is None else str(value)
