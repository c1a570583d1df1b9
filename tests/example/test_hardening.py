"""13.10–13.12: settings safe to copy, prices Stripe accepts, only our words in messages."""
import os
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from shop.forms import ItemForm
from shop.models import Item

from .helpers import item, ready_seller, user

EXAMPLE = Path(__file__).resolve().parents[2] / "example"
PRODUCTION_ENV = {
    "STRIPE_SECRET_KEY": "sk_test_example_not_real", "STRIPE_WEBHOOK_SECRET": "whsec_example",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "DJANGO_ALLOWED_HOSTS": "shop.example.com",
}


def _run(args, env, tmp_path):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("STRIPE_", "DJANGO_", "MARKETPLACE_")) and k != "DEMO_DATA_DIR"}
    return subprocess.run([sys.executable, *args], cwd=EXAMPLE, capture_output=True, text=True,
                          env={**clean, "DEMO_DATA_DIR": str(tmp_path), **env})


def _setting(name, env, tmp_path):
    result = _run(["-c", f"import marketplace.settings as s; print(repr(s.{name}))"], env, tmp_path)
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_check_deploy_is_clean_outside_demo_mode(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_debug_is_off_with_a_real_key_and_on_only_in_demo_mode(tmp_path):
    assert _setting("DEBUG", PRODUCTION_ENV, tmp_path) == "False"
    assert _setting("DEBUG", {}, tmp_path) == "True"  # offline demo
    # Demo conveniences against Stripe's test mode, but no debug page printing the key.
    assert _setting("DEBUG", {**PRODUCTION_ENV, "MARKETPLACE_DEMO": "1"}, tmp_path) == "False"
    assert _setting("SECURE_SSL_REDIRECT", {**PRODUCTION_ENV, "MARKETPLACE_DEMO": "1"}, tmp_path) == "False"


def test_secret_key_comes_from_the_environment_outside_demo_mode(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    assert "ImproperlyConfigured" in _setting("SECRET_KEY", env, tmp_path)
    demo_key = _setting("SECRET_KEY", {}, tmp_path)
    assert len(demo_key) > 50 and "example" not in demo_key  # random per data directory
    assert _setting("SECRET_KEY", {}, tmp_path) == demo_key


def test_demo_users_are_created_only_in_demo_mode(tmp_path):
    result = _run(["manage.py", "demo_setup"], PRODUCTION_ENV, tmp_path)
    assert result.returncode != 0 and "demo mode" in result.stderr
    assert not (tmp_path / "demo-passwords.json").exists()


def test_demo_users_get_their_own_passwords(tmp_path):
    assert _run(["manage.py", "migrate", "-v", "0"], {}, tmp_path).returncode == 0
    result = _run(["manage.py", "demo_setup"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    passwords = json.loads((tmp_path / "demo-passwords.json").read_text())
    assert len(set(passwords.values())) == 3 and all(p in result.stdout for p in passwords.values())
    assert (tmp_path / "demo-passwords.json").stat().st_mode & 0o077 == 0


def test_pages_cannot_be_framed(client, db):
    response = client.get(reverse("shop:home"))
    assert response["X-Frame-Options"] == "DENY"


def test_passwords_are_validated(client, db):
    response = client.post(reverse("shop:signup"), {"username": "carl", "password1": "password",
                                                     "password2": "password"})
    assert response.status_code == 200 and "too common" in response.content.decode()


@pytest.mark.parametrize("price,currency,ok", [
    ("-5.00", "usd", False), ("0", "usd", False), ("0.49", "usd", False), ("0.50", "usd", True),
    ("0.49", "eur", False), ("0.50", "eur", True), ("12.345", "usd", False),
])
def test_prices_respect_stripes_minimum_per_currency(price, currency, ok):
    form = ItemForm({"title": "t", "content": "c", "price": price, "currency": currency}, currencies=["usd", "eur"])
    assert form.is_valid() is ok, form.errors


def test_a_stored_negative_price_never_takes_a_page_down(fake, client):
    seller, _ = ready_seller()
    bad = item(seller, price="-11.25")
    Item.objects.filter(pk=bad.pk).update(price=Decimal("-11.25"))
    for url in (reverse("shop:home"), bad.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200 and "-11.25 USD" in response.content.decode()
    client.force_login(seller)
    assert client.get(reverse("shop:dashboard")).status_code == 200


def test_oauth_error_shows_our_words_not_the_query_string(client, db):
    client.force_login(user("stan"))
    evil = "Your account is suspended: call +1 555 0100 and read out your card number"
    response = client.get(reverse("shop:standard_callback"), {"error": "access_denied", "error_description": evil},
                          follow=True)
    text = response.content.decode()
    assert evil not in text and "did not connect a Stripe account" in text
    response = client.get(reverse("shop:standard_callback"), {"error": "invalid_scope", "error_description": evil},
                          follow=True)
    assert evil not in response.content.decode() and "could not connect your account" in response.content.decode()
