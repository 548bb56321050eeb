"""The figures an evaluation is pre-filled with: what the system knows of an account in a
period, each with where it came from and a link. Read-only; nothing here writes.

Contract (used by the evaluation pages, the issued-version snapshot and the reports):
``for_evaluation(evaluation, now=None) -> list[FigureGroup]``, one group per
``Criterion.Source`` that has figures; ``to_json(groups)`` gives the snapshot kept in
``IssuedVersion.figures`` and ``from_json`` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    label: str  # Spanish, e.g. "Entradas de bitácora en el periodo"
    value: str  # as displayed, e.g. "14" or "3 de 3 a tiempo"
    detail: str = ""  # a short Spanish explanation, e.g. "del 01/07/2026 al 24/11/2026"
    url: str = ""  # where the figure came from (a page of the app); "" when there is none
    warning: bool = False  # shown highlighted (overdue, flagged, long gap, ...)


@dataclass(frozen=True)
class FigureGroup:
    source: str  # a Criterion.Source value
    title: str
    figures: list[Figure] = field(default_factory=list)


def for_evaluation(evaluation, now=None) -> list[FigureGroup]:
    return []  # built by the figures work


def to_json(groups: list[FigureGroup]) -> dict:
    return {"groups": []}  # built by the figures work


def from_json(data: dict) -> list[FigureGroup]:
    return []  # built by the figures work
