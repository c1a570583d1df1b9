"""What the benchmarks count: SQL statements, Stripe API calls, time spent in the fake.

Counting is done without ``DEBUG`` (Django's debug cursor would slow every query
down and keep every statement in memory): :class:`QueryCounter` is a
``connection.execute_wrapper``. :class:`CountingFake` is the test kit's
``FakeStripe`` that also counts, per thread, the requests it answers and the time
it spends answering them (that time is the fake's, not the library's, and is
reported separately).
"""
import math
import threading
import time

from django.db import connection

from pinax_connect.testing import FakeStripe

# Statements that only delimit transactions: counted, but reported apart from queries.
TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def statement_kind(sql):
    """``"tx"`` for transaction control, else the first keyword (SELECT, INSERT, UPDATE...)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return "tx" if head.startswith(TRANSACTION_CONTROL) else head


class QueryCounter:
    """Counts the statements run on this thread's default connection while active.

    ``queries`` excludes transaction control (BEGIN, SAVEPOINT, RELEASE), which
    ``statements`` includes; ``kinds`` counts by first keyword. Use as a context
    manager, or :meth:`install` / :meth:`uninstall` around a longer run.
    """

    def __init__(self, conn=None):
        self.connection = conn or connection
        self.kinds = {}
        self._cm = None

    def __call__(self, execute, sql, params, many, context):
        kind = statement_kind(sql)
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        return execute(sql, params, many, context)

    @property
    def statements(self):
        return sum(self.kinds.values())

    @property
    def queries(self):
        return self.statements - self.kinds.get("tx", 0)

    def reset(self):
        self.kinds = {}

    def install(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def uninstall(self):
        if self._cm is not None:
            self._cm.__exit__(None, None, None)
            self._cm = None

    def __enter__(self):
        return self.install()

    def __exit__(self, *exc):
        self.uninstall()


class CountingFake(FakeStripe):
    """``FakeStripe`` that counts the requests it answers and the seconds it spends.

    ``calls`` / ``seconds`` are per thread (a server thread reads only its own
    request's numbers); ``total_calls`` / ``total_seconds`` add up every thread.
    """

    name = "pinax_connect_bench_fake"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.total_calls = 0
        self.total_seconds = 0.0

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        start = time.perf_counter()
        try:
            return super().request(method, url, headers, post_data, _usage=_usage)
        finally:
            spent = time.perf_counter() - start
            self._local.calls = getattr(self._local, "calls", 0) + 1
            self._local.seconds = getattr(self._local, "seconds", 0.0) + spent
            with self._lock:
                self.total_calls += 1
                self.total_seconds += spent

    @property
    def calls(self):
        return getattr(self._local, "calls", 0)

    @property
    def seconds(self):
        return getattr(self._local, "seconds", 0.0)

    def reset_counters(self):
        """Zero this thread's and the total counters (not the fake's state)."""
        self._local.calls, self._local.seconds = 0, 0.0
        with self._lock:
            self.total_calls, self.total_seconds = 0, 0.0


def percentile(values, fraction):
    """The ``fraction`` (0..1) percentile of ``values`` by nearest rank; ``None`` if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class CountingMiddleware:
    """Adds ``X-Bench-Queries``, ``X-Bench-Statements``, ``X-Bench-Api-Calls`` and
    ``X-Bench-Server-Ms`` (time inside Django) to every response.

    Used by the benchmark server only (``benchmarks.settings``), so the load
    generator learns what each request cost without sharing memory with it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from pinax_connect.client import current_http_client

        fake = current_http_client()
        calls_before = fake.calls if isinstance(fake, CountingFake) else 0
        start = time.perf_counter()
        with QueryCounter() as counter:
            response = self.get_response(request)
        response["X-Bench-Server-Ms"] = "%.3f" % ((time.perf_counter() - start) * 1000)
        if not response.streaming and not response.has_header("Content-Length"):
            # Lets the stdlib server keep the connection alive (HTTP/1.1).
            response["Content-Length"] = str(len(response.content))
        response["X-Bench-Queries"] = str(counter.queries)
        response["X-Bench-Statements"] = str(counter.statements)
        if isinstance(fake, CountingFake):
            response["X-Bench-Api-Calls"] = str(fake.calls - calls_before)
        return response
