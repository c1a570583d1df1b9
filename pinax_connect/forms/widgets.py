"""Widgets for values that must never be echoed back to the browser."""
from typing import Any

from django import forms


class SensitiveInput(forms.TextInput):
    """A text input that never renders its value (like ``PasswordInput(render_value=False)``).

    Used for full account numbers, IBANs, SSNs and ID numbers: when a form is
    re-displayed with errors the seller types them again, so they never travel back
    in a response, a cached page or a screenshot of one.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value: Any) -> None:
        return None
