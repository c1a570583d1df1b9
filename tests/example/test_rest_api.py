"""The example exposes pinax_connect.rest: a seller reads their own account, not another's."""
from django.urls import reverse

from .helpers import ready_seller, user


def test_the_api_and_its_schema_are_served(fake, client):
    seller, account = ready_seller()
    client.force_login(seller)
    schema = client.get("/api/stripe/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    mine = client.get(reverse("pinax_connect_rest:connected-account-detail", args=[account.pk]))
    assert mine.status_code == 200 and mine.json()["stripe_id"] == account.stripe_id
    client.force_login(user("stranger"))
    assert client.get(reverse("pinax_connect_rest:connected-account-detail", args=[account.pk])).status_code == 404
