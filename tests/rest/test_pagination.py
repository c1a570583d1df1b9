"""Cursor pagination of the lists (newest first, ``limit``, opaque cursors)."""
import pytest
from django.urls import reverse

from pinax_connect.models import Account

pytestmark = pytest.mark.django_db

LIST = reverse("pinax_connect_rest:connected-account-list")


def test_cursor_pages_walk_every_row_once(api, fake_stripe):
    for _ in range(5):
        assert api.post(LIST, {"type": "express", "country": "US"}, format="json").status_code == 201
    seen, url, pages = [], LIST + "?limit=2", 0
    while url:
        page = api.get(url).data
        assert set(page) == {"next", "previous", "results"}  # no count: no COUNT(*) per page
        assert len(page["results"]) <= 2
        seen += [row["id"] for row in page["results"]]
        url, pages = page["next"], pages + 1
    assert pages == 3
    assert seen == sorted(Account.objects.values_list("pk", flat=True), reverse=True)


def test_limit_is_capped(api, fake_stripe):
    assert api.post(LIST, {"type": "express", "country": "US"}, format="json").status_code == 201
    assert api.get(LIST, {"limit": 1000}).status_code == 200
