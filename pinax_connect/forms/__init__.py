"""Forms for custom connected accounts (see ``docs/forms.md``).

* :class:`InitialCustomAccountForm` creates an account for ``request.user``;
* :class:`AdditionalCustomAccountForm` collects what Stripe asks for next;
* :class:`CustomAccountWizard` is the step-by-step version of the first one.
"""
from .accounts import AdditionalCustomAccountForm, InitialCustomAccountForm

__all__ = ["InitialCustomAccountForm", "AdditionalCustomAccountForm", "CustomAccountWizard"]


def __getattr__(name):
    # The wizard needs django-formtools; import it only when asked for.
    if name == "CustomAccountWizard":
        from .wizard import CustomAccountWizard

        return CustomAccountWizard
    raise AttributeError(name)
