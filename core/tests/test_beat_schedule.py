"""Every periodic task named in the beat schedule exists, is a Celery task, and runs."""

from __future__ import annotations

import importlib

import pytest
from celery import Task
from django.conf import settings

SCHEDULE = sorted(settings.CELERY_BEAT_SCHEDULE.items())


def _task(dotted: str) -> Task:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def test_the_schedule_is_not_empty():
    assert len(SCHEDULE) >= 6


@pytest.mark.parametrize(("entry", "spec"), SCHEDULE, ids=[name for name, _ in SCHEDULE])
def test_each_scheduled_task_exists_and_is_registered_with_celery(entry, spec):
    from ine_redes.celery import app

    task = _task(spec["task"])
    assert isinstance(task, Task), f"{entry}: {spec['task']} is not a Celery task"
    assert task.name == spec["task"], f"{entry}: the task is registered as {task.name}"
    assert spec["task"] in app.tasks


@pytest.mark.parametrize(("entry", "spec"), SCHEDULE, ids=[name for name, _ in SCHEDULE])
def test_each_scheduled_task_runs_on_the_standing_cast(entry, spec, cast):
    result = _task(spec["task"]).apply(args=spec.get("args", ()), kwargs=spec.get("kwargs", {}))
    assert result.successful(), f"{entry} failed: {result.traceback}"
    assert isinstance(result.result, int) and result.result >= 0
