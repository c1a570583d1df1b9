"""``{% load pinax_connect_requirements %}``: what Stripe needs from a seller, in words.

* ``{% account_requirements account %}`` renders ``pinax_connect/requirements.html``:
  the outstanding requirements by group with help texts, the deadline, Stripe's
  reasons for rejected information, and why the account is paused.
* ``{{ path|requirement_label }}`` and ``{{ path|requirement_help }}`` for one path.
"""
from django import template

from .. import requirement_labels

register = template.Library()


@register.filter
def requirement_label(path):
    return requirement_labels.label(path)


@register.filter
def requirement_help(path):
    return requirement_labels.help_text(path)


@register.inclusion_tag("pinax_connect/requirements.html")
def account_requirements(account):
    return {"account": account, **requirement_labels.summary(account)}
