from django import template

from pinax_connect import money as pc_money

register = template.Library()


@register.filter
def money(amount, currency):
    """``{{ amount|money:currency }}`` -> ``"27.00 USD"``, ``"-11.25 USD"`` (never raises)."""
    return pc_money.format_amount(amount, currency)
