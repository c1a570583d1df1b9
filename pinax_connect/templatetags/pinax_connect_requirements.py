"""``{% load pinax_connect_requirements %}``: what Stripe needs from a seller, in words.

* ``{% account_requirements account %}`` renders ``pinax_connect/requirements.html``:
  the outstanding requirements by group with help texts, the deadline, Stripe's
  reasons for rejected information, and why the account is paused.
* ``{{ path|requirement_label }}`` and ``{{ path|requirement_help }}`` for one path.
"""
from typing import TYPE_CHECKING, Any

from django import template

from .. import requirement_labels

if TYPE_CHECKING:
    from ..models import Account

register = template.Library()


@register.filter
def requirement_label(path: object) -> str:
    return requirement_labels.label(path)


@register.filter
def requirement_help(path: object) -> str:
    return requirement_labels.help_text(path)


@register.inclusion_tag("pinax_connect/requirements.html")
def account_requirements(account: "Account") -> dict[str, Any]:
    return {"account": account, **requirement_labels.summary(account)}
