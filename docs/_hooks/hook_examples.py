"""One example implementation of each kamcore hook, shown in the hook reference.

``hookref.py`` puts the source of each ``kam_*`` function below into that hook's section of
the reference, and ``tests/test_docs.py`` registers this module as a plugin (``example``) and
runs every one of them through kamcore: an example in the docs can never be wrong. Each is
self-contained (its imports inside), as in a plugin that keeps loading cheap.
"""

from __future__ import annotations

from kamcore import hookimpl


@hookimpl
def kam_methodologies():  # type: ignore[no-untyped-def]
    # a document as a mapping; a plugin usually returns files("my_plugin") / "my.yaml"
    return [{
        "name": "example-plan", "version": "1.0.0", "title": "Example plan",
        "roles": ["economic_buyer", "champion"],
        "steps": [{"key": "plan", "title": "Plan", "sections": ["goals"]}],
        "sections": [{"key": "goals", "title": "Goals",
                      "schema": {"type": "array", "items": {"type": "string"}}}],
    }]


@hookimpl
def kam_rubrics():  # type: ignore[no-untyped-def]
    return [{
        "name": "example-fit", "version": "1.0.0", "title": "Example fit",
        "scale": {"min": 1, "max": 5},
        "criteria": [{"key": "people", "title": "People we know", "weight": 1.0,
                      "signal": "example_people",
                      "points": [{"min": 3, "value": 5}, {"min": 0, "value": 1}]}],
        "bands": [{"name": "good", "min": 4}, {"name": "thin", "min": 1}],
    }]


@hookimpl
def kam_exporters():  # type: ignore[no-untyped-def]
    from kamcore import Exporter

    def render(context):  # type: ignore[no-untyped-def]
        account = context.snapshot.account
        return f"{context.plan.id}: {account.name}, step {context.plan.step}\n"

    return [Exporter("example-text", "One line per plan, as plain text.", ".txt", render)]


@hookimpl
def kam_adapters():  # type: ignore[no-untyped-def]
    from kamcore import Adapter

    def read(path):  # type: ignore[no-untyped-def]
        import csv

        from kamcore import Account

        with open(path, newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                yield Account(id=row["id"], name=row["name"],
                              external_ids={"example": row["id"]})

    return [Adapter("example-csv", "Accounts from a CSV with id and name columns.", read)]


@hookimpl
def kam_signals():  # type: ignore[no-untyped-def]
    from kamcore import Signal

    return [Signal("example_people", "How many stakeholders the account has.",
                   lambda snapshot: float(len(snapshot.stakeholders)))]


@hookimpl
def kam_commands():  # type: ignore[no-untyped-def]
    import click

    from kamcore.plugin import Command

    @click.command("count")
    @click.argument("account_id")
    def count(account_id):  # type: ignore[no-untyped-def]
        """Say how many stakeholders ACCOUNT_ID has."""
        from kamcore.cli.support import open_workspace

        workspace = open_workspace(click.get_current_context())
        click.echo(len(workspace.snapshot(account_id).stakeholders))

    return [Command(count, under="account")]  # kam account count ACCOUNT_ID



@hookimpl
def kam_prompts():  # type: ignore[no-untyped-def]
    # read by the kamcore-llm plugin: one line added to every summary of an example-plan plan
    return [{"task": "summarize", "methodology": "example-plan",
             "extra": "Name the goal nobody owns yet."}]

@hookimpl
def kam_check_plan(plan, methodology, snapshot):  # type: ignore[no-untyped-def]
    from kamcore.checking import finding

    if not methodology.derives_from("example-plan") or snapshot.stakeholders:
        return None
    return [finding("example", "no-stakeholders", "the account has no stakeholder yet",
                    subject=plan.account_id)]


@hookimpl
def kam_plan_saved(plan, previous):  # type: ignore[no-untyped-def]
    import logging

    if previous is not None and previous.step != plan.step:
        logging.getLogger("example").info("%s moved to step %s", plan.id, plan.step)


@hookimpl
def kam_review_recorded(review, plan):  # type: ignore[no-untyped-def]
    import logging

    logging.getLogger("example").info("%s review of %s on %s", review.review_kind, plan.id,
                                      review.date)
