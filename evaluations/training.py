"""Every write and read of the annual training meeting."""

from __future__ import annotations


def send_training_reminders() -> int:
    return 0  # built by the training work
