"""Shared pieces of the reliability and security suites (issue 9).

* The ``user`` / ``other_user`` / ``custom_account`` / ``express_account`` fixtures of
  the actions tests, re-exported here.
* A ``reliability`` hypothesis profile with modest example counts: these suites run
  twice in CI (SQLite and PostgreSQL) and must stay well under a minute per pass.
* ``COUNTS``: tests add what they did (faults injected, events hammered, hostile
  inputs tried, strings searched); the totals are printed at the end of the run.
"""
import collections

from hypothesis import HealthCheck, settings

from tests.actions.conftest import (  # noqa: F401  (fixtures re-exported)
    US_BANK_ACCOUNT,
    custom_account,
    express_account,
    other_user,
    ready_custom_account_params,
    user,
)

COUNTS = collections.Counter()

# Function-scoped fixtures (the database, the fake) are shared by the examples of a
# test on purpose: every example undoes or checks its own effects.
settings.register_profile(
    "reliability",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    derandomize=True,
)
PROFILE = settings.get_profile("reliability")


def count(what, n=1):
    """Add ``n`` to the counter ``what`` (printed in the terminal summary)."""
    COUNTS[what] += n


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.section("pinax_connect reliability counts")
    for what, n in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{what}: {n}")
