"""Webhook processing on Django's tasks framework (``PINAX_CONNECT_WEBHOOK_PROCESSING = "task"``).

Django 6 ships ``django.tasks``; on older Django the ``django-tasks`` backport
(``pip install pinax-connect[tasks]``) provides the same API. Configure a backend
that runs tasks out of the request, e.g. the database backend and its worker::

    INSTALLED_APPS += ["django_tasks", "django_tasks_db"]   # "django_tasks" only on Django < 6
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    $ python manage.py db_worker

The task receives the Event's primary key and calls
:func:`pinax_connect.webhooks.processing.process_event`, so the once-only claim holds
however many workers run.
"""
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

try:
    from django.tasks import task  # Django >= 6
except ImportError:
    try:
        # Registers the backport's setting_changed receiver even when "django_tasks" is
        # not in INSTALLED_APPS, so a changed TASKS setting is always honoured.
        import django_tasks.signals  # noqa: F401
        from django_tasks import task  # type: ignore[no-redef]
    except ImportError as exc:
        raise ImproperlyConfigured(
            'PINAX_CONNECT_WEBHOOK_PROCESSING = "task" needs Django >= 6 or the django-tasks '
            "package (pip install pinax-connect[tasks])."
        ) from exc

from ..models import Event


@task()
def process_webhook_event(event_pk: int) -> str:
    """Process (or retry) the stored event ``event_pk``; returns the outcome (``"processed"``, ``"failed"``...).

    A failed event whose handlers committed has only its failed receivers retried
    (:func:`pinax_connect.webhooks.retries.retry`).
    """
    from . import retries

    event = Event.objects.filter(pk=event_pk).first()
    if event is None:
        return "missing"
    return retries.retry(event)


def enqueue(event: Any) -> Any:
    """Enqueue :func:`process_webhook_event` for ``event`` once the current transaction commits.

    After commit, so a worker never looks for an Event row that is not visible yet.
    """
    transaction.on_commit(lambda: process_webhook_event.enqueue(event.pk))


def enqueue_retry(event: Any) -> Any:
    """Enqueue :func:`process_webhook_event` for ``event`` to run at ``event.next_attempt_at``.

    On a backend that cannot defer tasks (``supports_defer`` false) nothing is
    enqueued and a warning is logged: ``manage.py pinax_connect_retry_events`` (cron)
    then runs the retry when it is due.
    """
    import logging

    task = process_webhook_event
    if not getattr(task.get_backend(), "supports_defer", False):
        logging.getLogger(__name__).warning(
            "Tasks backend %r cannot defer tasks: retry of %s left to pinax_connect_retry_events",
            task.backend,
            event.stripe_id,
        )
        return
    transaction.on_commit(lambda: task.using(run_after=event.next_attempt_at).enqueue(event.pk))
