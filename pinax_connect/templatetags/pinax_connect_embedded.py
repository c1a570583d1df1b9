"""``{% load pinax_connect_embedded %}``: Stripe's embedded components (Connect.js) on your page.

In the view, create the session (the secret is for this page only; never store it)::

    client_secret = account_sessions.create(account, ["account_onboarding", "notification_banner"])

and in the template::

    {% embedded_components client_secret "account_onboarding,notification_banner" exit_url=dashboard_url %}

The tag renders one element per component and the script that loads Connect.js
from ``connect-js.stripe.com`` with ``PINAX_CONNECT_PUBLISHABLE_KEY``. The secret is
written with ``json_script`` (no HTML or JS injection); ``refresh_url`` is a URL of
yours answering ``POST`` with ``{"client_secret": ...}`` for when the session expires
while the page is open, and ``exit_url`` where the seller goes when they leave the
onboarding component. See docs/embedded.md.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import template
from django.conf import settings

from ..actions.account_sessions import DEFAULT_COMPONENTS, KNOWN_COMPONENTS

register = template.Library()

CONNECT_JS_URL = "https://connect-js.stripe.com/v1.0/connect.js"


def component_names(components: str | Iterable[str] | None) -> list[str]:
    """Component names from ``"a,b"`` or a list; unknown names are dropped."""
    if components is None:
        components = DEFAULT_COMPONENTS
    if isinstance(components, str):
        components = components.split(",")
    return [name.strip() for name in components if name.strip() in KNOWN_COMPONENTS]


@register.inclusion_tag("pinax_connect/embedded_components.html")
def embedded_components(
    client_secret: str, components: str | Iterable[str] | None = None, exit_url: str = "", refresh_url: str = ""
) -> dict[str, Any]:
    names = component_names(components)
    element_id = f"pinax-connect-embedded-{uuid.uuid4().hex[:8]}"
    return {
        "element_id": element_id,
        "components": [{"name": name, "tag": name.replace("_", "-")} for name in names],
        "config": {
            "publishableKey": settings.PINAX_CONNECT_PUBLISHABLE_KEY or "",
            "clientSecret": client_secret,
            "exitUrl": exit_url,
            "refreshUrl": refresh_url,
            "components": [name.replace("_", "-") for name in names],
        },
        "config_id": element_id + "-config",
        "connect_js_url": CONNECT_JS_URL,
    }
