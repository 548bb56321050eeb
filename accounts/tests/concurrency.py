"""Run calls at the same moment in real threads, each with its own database connection.

Used by the PostgreSQL race tests of every app: two people deciding, two sweeps claiming.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_together(*calls: Callable[[], object], timeout: float = 60) -> list[tuple[str, object]]:
    """Release every call at once; return, in order, ("ok", result) or ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object]] = [("", None)] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the loser's exception is its result
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results
