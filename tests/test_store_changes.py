"""What changed, read from the store (what the server's live event streams poll): a record's
revisions after one, an account's records saved since a moment. On both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kamcore import Account, Stakeholder, Workspace

if TYPE_CHECKING:
    from conftest import Backend


def test_revisions_after_and_changed_since(backend: Backend) -> None:
    with Workspace.open(backend.target, create=True) as ws:
        ws.save(Account(id="acme", name="Acme"), by="ann")
        ws.save(Account(id="other", name="Other"), by="ann")
        before = datetime.now(UTC)
        person = ws.save(Stakeholder(id="p1", account_id="acme", name="Pat"), by="bo")
        ws.save(person.model_copy(update={"title": "CFO"}), base_revision=person.revision,
                by="cy")
        ws.save(Stakeholder(id="p2", account_id="other", name="Kim"), by="bo")
        account = ws.get(Account, "acme")
        ws.save(account.model_copy(update={"tier": "key"}), base_revision=account.revision,
                by="dee")

        after_first = ws.revisions_after(Stakeholder, "p1", 1)
        assert [(c.kind, c.id, c.revision, c.saved_by) for c in after_first] == [
            ("stakeholder", "p1", 2, "cy")]
        assert ws.revisions_after(Stakeholder, "p1", 2) == []
        assert ws.revisions_after(Stakeholder, "nobody", 0) == []
        assert [c.revision for c in ws.revisions_after(Stakeholder, "p1", 0, limit=1)] == [1]

        changed = ws.changed_since("acme", before.isoformat())
        # each record once, at its newest revision, oldest save first; not the other account's
        assert [(c.kind, c.id, c.revision, c.saved_by) for c in changed] == [
            ("stakeholder", "p1", 2, "cy"), ("account", "acme", 2, "dee")]
        assert changed[0].saved_at <= changed[1].saved_at
        later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        assert ws.changed_since("acme", later) == []
        assert len(ws.changed_since("acme", "2000-01-01T00:00:00+00:00", limit=1)) == 1
