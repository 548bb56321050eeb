"""The public's form and CNCS's triage of what it sends, each under its own address:
``include((public_patterns, "public_reports"))`` at /verificar/reportar/ and
``include((triage_patterns, "public_report_triage"))`` at /incidentes/reportes-ciudadanos/."""

from django.urls import path

from . import public

public_patterns = [
    path("", public.public_report, name="new"),
]
triage_patterns = [
    path("", public.triage, name="list"),
    path("<int:pk>/", public.triage_decide, name="decide"),
]
