"""Methodologies and rubrics: what is installed, with the JSON Schema of every section."""

from __future__ import annotations

from typing import Any

from fastapi import Depends

from kamcore.plugin.registry import get_registry

from ..principal import Principal
from ..rules import KamRouter, checker

router = KamRouter(prefix="/api/v1", tags=["catalog"])


@router.get("/methodologies", access="read", summary="Installed methodologies")
def methodologies(who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """Every installed methodology: name, version, title and steps."""
    return {"items": [
        {"name": m.name, "version": m.version, "title": m.title, "description": m.description,
         "steps": [step.key for step in m.steps]}
        for m in sorted(get_registry().methodologies.values(), key=lambda m: m.name)]}


@router.get("/methodologies/{name}", access="read", summary="One methodology, with schemas")
def methodology(name: str, who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """The methodology's steps (with their gates) and sections, each with its JSON Schema."""
    m = get_registry().methodology(name)
    return {
        "name": m.name, "version": m.version, "title": m.title, "description": m.description,
        "lineage": list(m.lineage),
        "steps": [{"key": s.key, "title": s.title, "purpose": s.purpose,
                   "sections": list(s.sections),
                   "gate": {"message": s.gate.message, "schema": dict(s.gate.schema.schema)}
                   if s.gate else None} for s in m.steps],
        "sections": [{"key": s.key, "title": s.title, "description": s.description,
                      "customer_facing": s.customer_facing, "schema": dict(s.schema.schema)}
                     for s in m.sections],
    }


@router.get("/rubrics", access="read", summary="Installed rubrics")
def rubrics(who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """Every installed scoring rubric: name, version, title."""
    return {"items": [{"name": r.name, "version": r.version, "title": r.title,
                       "description": r.description}
                      for r in sorted(get_registry().rubrics.values(), key=lambda r: r.name)]}


@router.get("/rubrics/{name}", access="read", summary="One rubric, as its document")
def rubric(name: str, who: Principal = Depends(checker("read"))) -> dict[str, Any]:
    """The rubric's document: criteria, weights, scale and bands."""
    found = get_registry().rubric(name)
    return {"name": found.name, "version": found.version, "title": found.title,
            "document": dict(found.document)}
