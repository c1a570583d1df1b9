import pytest
from django.urls import include, path

from pinax_connect import checks


def ids(messages):
    return [m.id for m in messages]


def test_configured_test_settings_pass(settings):
    assert checks.check_keys() == []
    assert checks.check_api_version() == []


def test_missing_secret_key(settings):
    settings.PINAX_CONNECT_SECRET_KEY = ""
    assert ids(checks.check_keys()) == ["pinax_connect.E001"]


def test_live_key_with_debug(settings):
    settings.PINAX_CONNECT_SECRET_KEY = "sk_live_" + "x" * 8
    settings.DEBUG = True
    assert ids(checks.check_keys()) == ["pinax_connect.E003"]
    settings.DEBUG = False
    assert checks.check_keys() == []


def test_any_real_key_with_debug_warns_because_the_debug_page_shows_the_authorization_header(settings):
    from pinax_connect import client

    settings.DEBUG = True
    settings.PINAX_CONNECT_SECRET_KEY = "sk_test_" + "x" * 8
    with client.http_client_override(None):
        settings.PINAX_CONNECT_HTTP_CLIENT = None
        settings.PINAX_CONNECT_API_BASE = None
        assert ids(checks.check_keys()) == ["pinax_connect.W008"]
        settings.PINAX_CONNECT_API_BASE = "http://127.0.0.1:12111"  # stripe-mock: not a real Stripe
        assert checks.check_keys() == []
        settings.PINAX_CONNECT_API_BASE = None
        settings.PINAX_CONNECT_HTTP_CLIENT = "pinax_connect.testing.FakeStripe"
        assert checks.check_keys() == []
        settings.PINAX_CONNECT_HTTP_CLIENT = None
        settings.DEBUG = False
        assert checks.check_keys() == []


def test_empty_webhook_secrets(settings):
    settings.PINAX_CONNECT_WEBHOOK_SECRETS = []
    assert "pinax_connect.W002" in ids(checks.check_webhooks())


# This module doubles as a URLconf that forgets pinax_connect.urls.
urlpatterns = [path("admin-only/", include([]))]


def test_urls_not_included(settings):
    settings.ROOT_URLCONF = "tests.test_checks"
    assert "pinax_connect.W005" in ids(checks.check_webhooks())


def test_urls_included(settings):
    assert settings.ROOT_URLCONF == "tests.urls"
    assert "pinax_connect.W005" not in ids(checks.check_webhooks())


def test_api_version_mismatch(settings):
    settings.PINAX_CONNECT_API_VERSION = "2019-02-19"
    assert ids(checks.check_api_version()) == ["pinax_connect.W004"]


def test_unknown_processing_mode(settings):
    settings.PINAX_CONNECT_WEBHOOK_PROCESSING = "threads"
    assert "pinax_connect.E007" in ids(checks.check_webhooks())


@pytest.mark.parametrize(
    "tasks,expected",
    [
        (None, "pinax_connect.W006"),
        ({"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}, "pinax_connect.W006"),
    ],
)
def test_task_mode_without_a_queue(settings, tasks, expected):
    settings.PINAX_CONNECT_WEBHOOK_PROCESSING = "task"
    settings.TASKS = tasks
    found = ids(checks.check_webhooks())
    # Without any tasks framework installed the error is E006 instead.
    assert expected in found or "pinax_connect.E006" in found


def test_task_mode_with_a_queueing_backend(settings):
    pytest.importorskip("django_tasks")
    settings.PINAX_CONNECT_WEBHOOK_PROCESSING = "task"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
    assert not {"pinax_connect.W006", "pinax_connect.E006"} & set(ids(checks.check_webhooks()))


def test_checks_are_registered(settings):
    from django.core.checks import run_checks

    settings.PINAX_CONNECT_SECRET_KEY = ""
    assert "pinax_connect.E001" in ids(run_checks(tags=["pinax_connect"]))
