"""A test seller: fills whatever our forms ask, in the country's own formats.

It only reads the form's field names and field types, so a test that onboards with
it shows that the fields our forms render are enough for Stripe (the fake) to enable
the account. Values are Stripe's test values (test bank details from the country
table, postal-code examples, ``000000000`` tax ids).
"""
from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from pinax_connect import countries

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def bank_values(code: str) -> dict:
    """The country's test bank details, split into our form's bank fields."""
    rules = countries.get(code)
    fmt = rules.bank
    if fmt.iban:
        return {"iban": countries.TEST_IBANS[code]}
    out = {"account_number": fmt.test_account}
    routing = fmt.test_routing or ""
    if fmt.joiner:
        pieces = routing.split(fmt.joiner)
    elif len(fmt.parts) > 1:
        pieces, at = [], 0
        for part in fmt.parts:
            width = int(part.pattern[3:-1])
            pieces.append(routing[at:at + width])
            at += width
    else:
        pieces = [routing] if fmt.parts else []
    out.update({part.name: piece for part, piece in zip(fmt.parts, pieces)})
    return out


def value_for(name: str, field: forms.Field, code: str, *, roles=("owner", "director", "executive")):
    """What the seller types into field ``name`` (``None``: leave it empty)."""
    rules = countries.get(code)
    last = name.split("__")[-1]
    if name.startswith("external_account__"):
        if last == "account_holder_name":
            return "Jenny Rosen"
        return bank_values(code).get(last)
    if isinstance(field, forms.FileField):
        return SimpleUploadedFile("document.png", PNG, "image/png") if field.required else None
    if isinstance(field, forms.BooleanField):
        if "__relationship__" in name:
            return "on" if last in roles else None
        return "on"
    if "__address" in name:
        kana = "_kana" in name or "_kanji" in name
        return {"line1": "1-1 Main Street", "line2": None, "town": "Chiyoda", "city": "Capital City",
                "state": _choice(field) or ("Tokyo" if kana else "Region"),
                "postal_code": "100-0001" if kana else (rules.postal_code or ("", ""))[1]}.get(last)
    if last in ("first_name", "last_name", "maiden_name"):
        return {"first_name": "Jenny", "last_name": "Rosen"}.get(last, "Smith")
    if last.endswith("_kana"):
        return "ヤマダ"
    if last.endswith("_kanji"):
        return "山田"
    if last == "dob":
        return "1985-06-01"
    if last in ("email", "support_email"):
        return "jenny@example.com"
    if last in ("phone", "support_phone"):
        return "+15555550100"
    if last == "ssn_last_4":
        return "0000"
    if last in ("id_number", "id_number_secondary", "tax_id", "vat_id"):
        return "000000000"
    if last == "currency":
        return rules.currency
    if last == "nationality":
        return code
    if last == "title":
        return "CEO"
    if last == "percent_ownership":
        return "100" if "owner" in roles else None
    if last == "url" or last == "support_url":
        return "https://shop.example.com"
    if last == "name":
        return "Rosen Pottery"
    if isinstance(field, forms.ChoiceField):
        return _choice(field)
    if isinstance(field, forms.DecimalField):
        return "1000"
    return "Test value"


def _choice(field):
    if not isinstance(field, forms.ChoiceField):
        return None
    return next((str(value) for value, _label in field.choices if value), None)


def fill(form, code: str, **kwargs) -> tuple[dict, dict]:
    """``(data, files)`` for every field of ``form`` (with its prefix)."""
    data, files = {}, {}
    for name, field in form.fields.items():
        value = value_for(name, field, code, **kwargs)
        if value is None:
            continue
        key = form.add_prefix(name)
        if isinstance(value, SimpleUploadedFile):
            files[key] = value
        else:
            data[key] = value
    return data, files
