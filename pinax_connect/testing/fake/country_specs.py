"""Country specs (``GET /v1/country_specs[/{country}]``) in the fake Stripe, and the
country check of account creation, both from :mod:`pinax_connect.countries`."""
from __future__ import annotations

from typing import Any

from ... import countries
from .core import FakeStripe, FakeStripeError, Request, route

# What Stripe answers for a country code it has never heard of / cannot onboard.
UNKNOWN_COUNTRY = ("Country '%s' is unknown. Try using a 2-character alphanumeric country code instead, "
                   "such as 'US', 'EG', or 'GB'.")
UNSUPPORTED_COUNTRY = "Connected accounts cannot be created in %s: Stripe does not support that country yet."


def check_country(code: object) -> None:
    """Refuse account creation in an unknown or unsupported country, as Stripe does."""
    if not isinstance(code, str) or len(code) != 2 or not code.isalpha():
        raise FakeStripeError.invalid("country", UNKNOWN_COUNTRY % code)
    if not countries.is_supported(code):
        raise FakeStripeError.invalid("country", UNSUPPORTED_COUNTRY % code.upper(), code="country_unsupported")


def spec(country: countries.Country) -> dict[str, Any]:
    """The ``country_spec`` object of a :class:`~pinax_connect.countries.Country`."""
    same_region = [c.code for c in countries.COUNTRIES.values() if c.currency == country.currency]
    return {
        "id": country.code,
        "object": "country_spec",
        "default_currency": country.currency,
        "supported_bank_account_currencies": {country.currency: sorted(set(same_region) | {country.code})},
        "supported_payment_currencies": sorted({c.currency for c in countries.COUNTRIES.values()}),
        "supported_payment_methods": ["card", "stripe"],
        "supported_transfer_countries": countries.codes(),
        "verification_fields": {
            kind: {"minimum": countries.minimum_fields(country.code, bt),
                   "additional": countries.additional_fields(country.code, bt)}
            for kind, bt in (("individual", "individual"), ("company", "company"))
        },
    }


@route("GET", "/v1/country_specs/{country}")
def retrieve_country_spec(fake: FakeStripe, req: Request) -> dict[str, Any]:
    code = req.path_args["country"]
    if not countries.is_supported(code) or code != code.upper():
        raise FakeStripeError.missing("country_spec", code, param="country")
    return spec(countries.get(code))


@route("GET", "/v1/country_specs", params={"ending_before", "limit", "starting_after"})
def list_country_specs(fake: FakeStripe, req: Request) -> dict[str, Any]:
    # Alphabetical, as Stripe lists them (list_response pages newest-first).
    specs = [spec(c) for c in countries.COUNTRIES.values()]
    return fake.list_response(list(reversed(specs)), req, "/v1/country_specs")
