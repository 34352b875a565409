"""kamcore test plugin ``good``: one methodology as a mapping, one as packaged YAML, an
exporter, a signal and a plan check that speaks only about its own methodologies."""

from __future__ import annotations

from importlib.resources import files

from kamcore import hookimpl

#: A complete methodology document given as a mapping (no ``extends``).
GOOD_METHODOLOGY = {
    "name": "kt-good",
    "version": "1.2.0",
    "title": "Good test methodology",
    "roles": ["sponsor", "champion"],
    "cadence": {"internal": {"every": "1 month"}},
    "steps": [
        {"key": "discover", "title": "Discover", "purpose": "Learn the account.",
         "sections": ["goals"],
         "gate": {"message": "name at least one goal before committing",
                  "schema": {"type": "object", "required": ["goals"],
                             "properties": {"goals": {"minItems": 1}}}}},
        {"key": "commit", "title": "Commit", "sections": ["goals"]},
    ],
    "sections": [
        {"key": "goals", "title": "Goals",
         "schema": {"type": "array", "items": {"type": "string", "minLength": 1}}},
    ],
}

EXPORT_MARKER = "kamcore-test-good export of plan"


def _render(context):  # type: ignore[no-untyped-def]
    return f"{EXPORT_MARKER} {context.plan.id} at step {context.plan.step}\n"


def _stakeholder_count(snapshot):  # type: ignore[no-untyped-def]
    return float(len(snapshot.stakeholders))


@hookimpl
def kam_methodologies():  # type: ignore[no-untyped-def]
    return [GOOD_METHODOLOGY, files("kamcore_test_good") / "good_yaml.yaml"]


@hookimpl
def kam_exporters():  # type: ignore[no-untyped-def]
    from kamcore import Exporter

    return [Exporter("kt-good-text", "One line naming the plan.", ".txt", _render)]


@hookimpl
def kam_signals():  # type: ignore[no-untyped-def]
    from kamcore import Signal

    return [Signal("kt-stakeholder-count", "How many stakeholders the account has.",
                   _stakeholder_count)]


@hookimpl
def kam_check_plan(plan, methodology):  # type: ignore[no-untyped-def]
    if methodology.name not in ("kt-good", "kt-good-yaml"):
        return None
    from kamcore import Finding

    return [Finding(severity="warning", code="kt-good-reminder", source="good",
                    message=f"the good plugin looked at plan {plan.id}", path="sections")]
