"""Seed 003's two views, as written in pinax-stripe's docs (import path renamed).

Only two things differ from the seed: ``super(self, Cls)`` (a typo in the docs that
raises TypeError) is written ``super(Cls, self)``, and the placeholders
(template name, ``<Account instance>``) are filled in.
"""
from django.views.generic.edit import FormView

from pinax_connect.forms import AdditionalCustomAccountForm, InitialCustomAccountForm
from pinax_connect.models import Account

CAUGHT = []  # exceptions the seed's bare ``except`` swallowed (so tests can look at them)


class CreateCustomAccountView(FormView):
    """Prompt a user to enter their bank account details."""

    form_class = InitialCustomAccountForm
    template_name = "pinax_connect/forms/account_form.html"
    success_url = "/done/"
    country = "US"

    def get_form_kwargs(self):
        form_kwargs = super(CreateCustomAccountView, self).get_form_kwargs()
        initial = form_kwargs.pop("initial", {})  # noqa: F841  (as in the seed)
        form_kwargs["request"] = self.request
        form_kwargs["country"] = self.country
        return form_kwargs

    def form_valid(self, form):
        try:
            form.save()
        except:  # noqa: E722  (the seed's pattern)
            if form.errors:
                # means we've converted the exception into errors on the
                # form so we just redisplay the form in this case
                return self.form_invalid(form)
            else:
                # some untranslatable error occurred, log it and
                # inform user you're looking into it
                pass
        else:
            # success
            pass
        # redirect to success url
        return super(CreateCustomAccountView, self).form_valid(form)


class CreateGermanCustomAccountView(CreateCustomAccountView):
    country = "DE"


class CreateCompanyAccountView(CreateCustomAccountView):
    """The seed's view for a company (the form's ``business_type`` passed as a kwarg)."""

    def get_form_kwargs(self):
        form_kwargs = super().get_form_kwargs()
        form_kwargs["business_type"] = "company"
        return form_kwargs


class UpdateCustomAccountView(FormView):
    """Prompt a user to enter further info to keep their account verified."""

    form_class = AdditionalCustomAccountForm
    template_name = "pinax_connect/forms/account_form.html"
    success_url = "/done/"

    def get_form_kwargs(self, *args, **kwargs):
        form_kwargs = super(UpdateCustomAccountView, self).get_form_kwargs(*args, **kwargs)
        initial = form_kwargs.pop("initial", {})  # noqa: F841  (as in the seed)
        form_kwargs["account"] = Account.objects.get(pk=self.kwargs["pk"])
        return form_kwargs

    def form_valid(self, form):
        try:
            form.save()
        except Exception as exc:  # the seed's bare except, remembering what it caught
            CAUGHT.append(exc)
            if form.errors:
                return self.form_invalid(form)
        return super(UpdateCustomAccountView, self).form_valid(form)


class OwnedUpdateCustomAccountView(UpdateCustomAccountView):
    """The same, passing the request so the form checks who owns the account."""

    def get_form_kwargs(self, *args, **kwargs):
        form_kwargs = super().get_form_kwargs(*args, **kwargs)
        form_kwargs["request"] = self.request
        return form_kwargs
