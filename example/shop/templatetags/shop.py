from django import template

from pinax_connect import money as pc_money

register = template.Library()


@register.filter
def money(amount, currency):
    """``{{ amount|money:currency }}`` -> ``"27.00 USD"`` (the currency's own decimals)."""
    if amount is None or not currency:
        return ""
    return f"{pc_money.from_minor(pc_money.to_minor(amount, currency), currency)} {currency.upper()}"
