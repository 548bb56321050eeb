"""Reads that need care: the aggregate times of incidents (median per metric)."""

from __future__ import annotations

from datetime import timedelta
from statistics import median

from django.db.models import QuerySet

from .models import Incident

METRICS = ("detection_to_report", "report_to_first_email", "report_to_contained", "report_to_resolved")


def median_times(incidents: QuerySet[Incident]) -> dict[str, timedelta | None]:
    """The median of each metric over ``incidents``, ignoring those it does not apply to yet.
    One query whatever the number of incidents."""
    rows = incidents.with_first_email().values_list(
        "detected_at", "reported_at", "first_email_sent_at", "contained_at", "resolved_at"
    )
    values: dict[str, list[timedelta]] = {name: [] for name in METRICS}
    for detected, reported, first_email, contained, resolved in rows:
        values["detection_to_report"].append(reported - detected)
        for name, moment in (
            ("report_to_first_email", first_email),
            ("report_to_contained", contained),
            ("report_to_resolved", resolved),
        ):
            if moment is not None:
                values[name].append(moment - reported)
    return {name: median(found) if found else None for name, found in values.items()}
