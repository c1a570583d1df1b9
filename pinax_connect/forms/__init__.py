"""Forms for custom connected accounts (see ``docs/forms.md``).

* :class:`InitialCustomAccountForm` creates an account for ``request.user``;
* :class:`AdditionalCustomAccountForm` collects what Stripe asks for next;
* :class:`CustomAccountWizard` is the step-by-step version of the first one.
"""
from typing import TYPE_CHECKING

from .accounts import AdditionalCustomAccountForm, InitialCustomAccountForm

if TYPE_CHECKING:
    from .wizard import CustomAccountWizard

__all__ = ["InitialCustomAccountForm", "AdditionalCustomAccountForm", "CustomAccountWizard"]


def __getattr__(name: str) -> "type[CustomAccountWizard]":
    # The wizard needs django-formtools; import it only when asked for.
    if name == "CustomAccountWizard":
        from .wizard import CustomAccountWizard

        return CustomAccountWizard
    raise AttributeError(name)
