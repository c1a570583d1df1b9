"""The test harness itself: which database we are on, and that migrations are complete."""

import io
import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction

from tests.settings import DATABASE_URL_ENV, parse_database_url


def database_url_is_set():
    return bool(os.environ.get(DATABASE_URL_ENV))


def test_parse_database_url_reads_every_part():
    parsed = parse_database_url("postgres://alice:s%40cret@db.example:6543/shop?sslmode=disable")

    assert parsed == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "alice",
        "PASSWORD": "s@cret",
        "HOST": "db.example",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "disable"},
    }


def test_parse_database_url_rejects_other_databases():
    with pytest.raises(ValueError, match="postgres://"):
        parse_database_url("mysql://root@localhost/shop")


@pytest.mark.skipif(database_url_is_set(), reason=f"{DATABASE_URL_ENV} is set")
def test_sqlite_is_used_when_no_database_url_is_set():
    assert connection.vendor == "sqlite"


@pytest.mark.skipif(not database_url_is_set(), reason=f"{DATABASE_URL_ENV} is not set")
def test_postgresql_is_used_when_database_url_is_set():
    assert connection.vendor == "postgresql"


@pytest.mark.requires_postgres
@pytest.mark.django_db
def test_postgres_server_answers_select_version():
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        (version,) = cursor.fetchone()

    assert version.startswith("PostgreSQL ")


@pytest.mark.requires_postgres
@pytest.mark.django_db(transaction=True)
def test_select_for_update_holds_a_row_lock_on_postgres():
    user = get_user_model().objects.create(username="locked")
    table = get_user_model()._meta.db_table
    # A second, independent connection to the same test database.
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            locked = get_user_model().objects.select_for_update().get(pk=user.pk)
            assert locked.pk == user.pk
            # NOWAIT fails at once instead of waiting, so no timing is involved.
            with pytest.raises(OperationalError, match="could not obtain lock"):
                with other.cursor() as cursor:
                    cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [user.pk])
        # Our transaction is over, so the other connection gets the lock now.
        with other.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [user.pk])
            assert cursor.fetchone() == (user.pk,)
    finally:
        other.close()


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models have changes without a migration:\n{out.getvalue()}")
