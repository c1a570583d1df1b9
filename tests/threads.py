"""Running a function in several threads at once, for the PostgreSQL concurrency tests.

Each thread gets its own database connection (closed when it ends), so with
``django_db(transaction=True)`` the threads see each other's commits.
"""
import threading

from django.db import connections


def run_threads(target, n):
    """Run ``target(i)`` in ``n`` threads started together; returns (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results, errors
