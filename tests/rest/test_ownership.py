"""Every endpoint, tried by another user: 404 (never 403, never their data); staff read all, write none."""
import pytest
from django.urls import reverse

from pinax_connect.actions import customers as customer_actions
from pinax_connect.actions import payouts, refunds, transfers
from pinax_connect.models import Charge, ExternalAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(fake_stripe, seller_account, purchase, buyer):
    """One object of each kind: the seller's account, bank, transfer, payout; the buyer's customer,
    intent and charge; a refund."""
    fake_stripe.release_pending(seller_account.stripe_id)
    charge = Charge.objects.get(stripe_id=purchase.latest_charge)
    return {
        "connected-account": seller_account,
        "external-account": ExternalAccount.objects.get(account=seller_account),
        "customer": customer_actions.get_customer_for_user(buyer),
        "payment-intent": purchase,
        "charge": charge,
        "refund": refunds.create(charge, "1.00"),
        "transfer": transfers.create("1.00", "usd", seller_account, source_transaction=charge),
        "payout": payouts.create(seller_account, "1.00", "usd"),
    }


def detail(kind, obj, suffix="detail", **kwargs):
    return reverse(f"pinax_connect_rest:{kind}-{suffix}", kwargs={"pk": obj.pk, **kwargs})


# (kind, url suffix, method, body): every route that names an object.
ROUTES = [
    ("connected-account", "detail", "get", None),
    ("connected-account", "detail", "patch", {"email": "x@example.com"}),
    ("connected-account", "account-link", "post",
     {"refresh_url": "https://a.example/r", "return_url": "https://a.example/d"}),
    ("connected-account", "login-link", "post", None),
    ("connected-account", "requirements", "get", None),
    ("connected-account", "balance", "get", None),
    ("external-account", "detail", "get", None),
    ("external-account", "detail", "delete", None),
    ("external-account", "set-default", "post", None),
    ("customer", "detail", "get", None),
    ("customer", "detail", "patch", {"name": "x"}),
    ("customer", "payment-methods", "get", None),
    ("customer", "payment-methods", "post", {"payment_method": "pm_card_visa"}),
    ("customer", "detach-payment-method", "delete", None),
    ("payment-intent", "detail", "get", None),
    ("payment-intent", "cancel", "post", {}),
    ("charge", "detail", "get", None),
    ("refund", "detail", "get", None),
    ("transfer", "detail", "get", None),
    ("payout", "detail", "get", None),
    ("payout", "cancel", "post", None),
]


def _url(kind, suffix, obj):
    extra = {"payment_method": "pm_123"} if suffix == "detach-payment-method" else {}
    return detail(kind, obj, suffix, **extra)


@pytest.mark.parametrize("kind,suffix,method,body", ROUTES, ids=[f"{m}-{k}-{s}" for k, s, m, _ in ROUTES])
def test_another_users_object_is_a_404(kind, suffix, method, body, objects, stranger_api, fake_stripe):
    before = len(fake_stripe.requests)
    response = getattr(stranger_api, method)(_url(kind, suffix, objects[kind]), body, format="json")
    assert response.status_code == 404, (kind, suffix, response.status_code)
    assert len(fake_stripe.requests) == before  # nothing was asked of Stripe on their behalf


LISTS = ["connected-account", "external-account", "customer", "payment-intent", "charge", "refund", "transfer",
         "payout"]


OWNERS = {"connected-account": "api", "external-account": "api", "customer": "buyer_api",
          "payment-intent": "buyer_api", "charge": "buyer_api", "refund": "api", "transfer": "api", "payout": "api"}


@pytest.mark.parametrize("kind", LISTS)
def test_owner_reads_own_object(kind, objects, request):
    owner = request.getfixturevalue(OWNERS[kind])
    response = owner.get(detail(kind, objects[kind]))
    assert response.status_code == 200 and response.data["id"] == objects[kind].pk
    listed = owner.get(reverse(f"pinax_connect_rest:{kind}-list"))
    assert objects[kind].pk in [row["id"] for row in listed.data["results"]]


@pytest.mark.parametrize("kind", LISTS)
def test_lists_show_another_user_nothing(kind, objects, stranger_api):
    response = stranger_api.get(reverse(f"pinax_connect_rest:{kind}-list"))
    assert response.status_code == 200 and response.data["results"] == []


@pytest.mark.parametrize("kind", LISTS)
def test_staff_read_everything(kind, objects, staff_api):
    listed = staff_api.get(reverse(f"pinax_connect_rest:{kind}-list"))
    assert objects[kind].pk in [row["id"] for row in listed.data["results"]]
    assert staff_api.get(detail(kind, objects[kind])).status_code == 200


WRITES = [r for r in ROUTES if r[2] != "get"]


@pytest.mark.parametrize("kind,suffix,method,body", WRITES, ids=[f"{m}-{k}-{s}" for k, s, m, _ in WRITES])
def test_staff_cannot_write_others_objects(kind, suffix, method, body, objects, staff_api):
    response = getattr(staff_api, method)(_url(kind, suffix, objects[kind]), body, format="json")
    assert response.status_code == 404


@pytest.mark.parametrize("kind", LISTS)
def test_anonymous_is_refused(kind, client, objects):
    response = client.get(reverse(f"pinax_connect_rest:{kind}-list"))
    assert response.status_code in (401, 403)
