"""Every write and read of the annual training meeting.

Contract used elsewhere: ``flagged_user_ids(user_ids, now=None) -> set[int]`` — of these
people, those with no attended training in the last ``TRAINING_VALID_MONTHS`` (or designated
after the last meeting held and not trained since); ``send_training_reminders(now=None) -> int``.
"""

from __future__ import annotations


def flagged_user_ids(user_ids, now=None) -> set[int]:
    return set()  # built by the training work


def send_training_reminders(now=None) -> int:
    return 0  # built by the training work
