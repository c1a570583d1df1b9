"""Run the spec-conformance tests after every other test of the session.

They check what the whole session sent through ``FakeStripe``, so they must
come last, whatever order collection or a random-order plugin produced:
``trylast`` makes this hook run after the others have reordered the items.
"""

import pytest

from pinax_connect.testing.conformance import MARKER, SUMMARY_KEY, move_conformance_last


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "%s: checks the whole session's fake Stripe traffic; runs last" % MARKER
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    move_conformance_last(items)


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(SUMMARY_KEY, [])
    if lines:
        terminalreporter.section("Stripe spec conformance")
        for line in lines:
            terminalreporter.write_line(line)
