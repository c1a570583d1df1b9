"""``CustomAccountWizard``: the initial custom-account form split into steps.

Steps: business type (and profile) -> person (or company and representative) ->
address -> ownership (companies only: the representative's relationship, the
owners/directors/executives attestations and the ownership declaration) ->
verification (identity numbers, an optional identity document, the bank account and
the terms). Each step is a :class:`StepForm` over the same
requirement-path registry as :class:`~pinax_connect.forms.InitialCustomAccountForm`,
and the account is created once, at the end, by the same code.

Every sensitive value (the registry's ``sensitive`` entries: SSN last 4, ID numbers,
tax ids, identity documents, the bank account) is asked for in the last step, so it
is posted once and sent straight to Stripe: formtools keeps the earlier steps (names,
dates of birth, addresses) in the session between requests, but never the last
step's data or files. A wizard abandoned halfway leaves nothing sensitive behind.
Use it like any ``SessionWizardView``::

    path("payouts/setup/", CustomAccountWizard.as_view(country="DE", success_url="/payouts/"))
"""
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import stripe
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from formtools.wizard.views import SessionWizardView

from ..exceptions import PinaxConnectError
from . import fields as registry
from .accounts import _user_of, create_account
from .requirements_form import RequirementsForm, StripeSubmitMixin, Submission

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from ..models import Account

STEPS = ("business_type", "person", "address", "ownership", "verification")
FINAL_STEP = STEPS[-1]


def step_of(path: str, business_type: str = "individual") -> str:
    """The wizard step that collects requirement ``path``: the last one for every
    sensitive value, so that it is never kept between requests."""
    binding = registry.resolve(path, business_type)
    if path.startswith("tos_acceptance") or (binding is not None and binding.entry.sensitive):
        return FINAL_STEP
    if path == "business_type" or path.startswith("business_profile."):
        return "business_type"
    if binding is not None and binding.scope in ("representative", "company") and (
            binding.entry.key.startswith("relationship.") and binding.entry.key != "relationship.title"
            or isinstance(binding.entry, (registry.AttestationEntry, registry.DeclarationEntry))):
        return "ownership"
    if binding is not None and isinstance(binding.entry, registry.AddressEntry):
        return "address"
    return "person"


def wizard_paths(country: str, business_type: str) -> list[str]:
    """Every path the wizard collects, in order: the business type, the initial form's
    paths and an (optional) identity document of the person, before the bank account."""
    person = "individual" if business_type == "individual" else "representative"
    paths = registry.initial_paths(country, business_type)
    at = paths.index("external_account")
    return ["business_type"] + paths[:at] + [f"{person}.verification.document"] + paths[at:]


class StepForm(RequirementsForm):
    """The fields of one wizard step."""

    step: str | None = None
    # Documents are optional in the wizard: Stripe asks for them later if it needs them.
    optional_suffixes = ("front", "back")

    def __init__(
        self, *args: Any, request: HttpRequest, country: str, business_type: str = "individual", **kwargs: Any
    ) -> None:
        paths = [p for p in wizard_paths(country, business_type) if step_of(p, business_type) == self.step]
        context = registry.Context(country=country, request=request, business_type=business_type)
        super().__init__(*args, context=context, paths=paths, **kwargs)
        for binding in self.bindings:
            if isinstance(binding.entry, registry.DocumentEntry):
                for suffix in self.optional_suffixes:
                    self.fields[binding.field_name(suffix)].required = False
        if "business_type" in self.fields:
            self.fields["business_type"].initial = business_type


def _step_form(step: str) -> type[StepForm]:
    return type(f"{step.title().replace('_', '')}StepForm", (StepForm,), {"step": step})


class _StepFailed(Exception):
    """Carries the response re-displaying the step Stripe's error is about."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__("step failed")
        self.response = response


class FormGroup(StripeSubmitMixin):
    """The wizard's step forms seen as one form, for :func:`create_account` to report on."""

    account: "Account"  # set by create_account once the account exists

    def __init__(self, forms_by_step: Mapping[str, RequirementsForm], fallback_step: str) -> None:
        self.forms = forms_by_step
        self.fallback_step = fallback_step
        self.bindings = [b for form in forms_by_step.values() for b in form.bindings]
        self.context = next(iter(forms_by_step.values())).context
        self.fields = {name: f for form in forms_by_step.values() for name, f in form.fields.items()}
        self.failed_step: str | None = None

    def step_of_field(self, name: str) -> str:
        return next((step for step, form in self.forms.items() if name in form.fields), self.fallback_step)

    def add_error(self, name: str | None, error: "StrOrPromise") -> None:
        step = self.step_of_field(name) if name else self.fallback_step
        self.failed_step = self.failed_step or step
        self.forms[step].add_error(name, error)

    def sensitive_values(self) -> list[str]:
        return [v for form in self.forms.values() for v in form.sensitive_values()]


class CustomAccountWizard(SessionWizardView):
    """Onboard the logged-in user as a custom connected account, step by step.

    ``country`` (class attribute or ``as_view(country=...)``) is where the seller is;
    ``success_url`` where to go afterwards (default: render
    ``pinax_connect/wizard/done.html`` with ``account``).
    """

    form_list = [(step, _step_form(step)) for step in STEPS]
    condition_dict = {"ownership": lambda wizard: wizard.get_business_type() != "individual"}
    template_name = "pinax_connect/wizard/step.html"
    done_template_name = "pinax_connect/wizard/done.html"
    country = "US"
    success_url: "StrOrPromise | None" = None  # reverse_lazy() is fine, as for Django's FormView
    # No file is ever kept between requests: documents are only asked for in the last
    # step and go from the request straight to Stripe. Without a file storage formtools
    # refuses (NoFileStorageConfigured) rather than writing one to disk by mistake.
    file_storage = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _user_of(request)  # PermissionDenied for anonymous users
        return super().dispatch(request, *args, **kwargs)

    def get_country(self) -> str:
        """The seller's country (override to read it from the user's profile)."""
        return self.country.upper()

    def get_business_type(self) -> str:
        """The business type chosen in the first step (``individual`` until then)."""
        data = self.get_cleaned_data_for_step("business_type") or {}
        return data.get("business_type") or "individual"

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        kwargs = {"request": self.request, "country": self.get_country()}
        if step != "business_type":
            kwargs["business_type"] = self.get_business_type()
        return kwargs

    # The last step holds the sensitive values: formtools would store them (data in the
    # session, files in file_storage) before calling render_done(). None stores nothing,
    # and the step is shown empty (unbound) whenever the seller comes back to it.
    def process_step(self, form: StepForm) -> Mapping[str, Any] | None:
        return None if self.steps.current == self.steps.last else super().process_step(form)

    def process_step_files(self, form: StepForm) -> Mapping[str, Any] | None:
        return None if self.steps.current == self.steps.last else super().process_step_files(form)

    def render_done(self, form: StepForm, **kwargs: Any) -> HttpResponseBase:
        """formtools' ``render_done`` (re-validate the stored steps, call :meth:`done`,
        reset the wizard), except that the last step is the form just posted: it was
        never stored."""
        final_forms = {}
        for step in self.get_form_list():
            if step == self.steps.last:
                final_forms[step] = form
                continue
            stored = self.get_form(step=step, data=self.storage.get_step_data(step),
                                   files=self.storage.get_step_files(step))
            if not stored.is_valid():
                return self.render_revalidation_failure(step, stored, **kwargs)
            final_forms[step] = stored
        try:
            response = self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)
        except _StepFailed as failed:  # keep the stored steps: the seller fixes one and resubmits
            return failed.response
        self.storage.reset()
        return response

    def done(
        self, form_list: Sequence[StepForm], form_dict: Mapping[str, StepForm] | None = None, **kwargs: Any
    ) -> HttpResponseBase:
        """Create the account from every step (see :func:`create_account`) and finish."""
        form_dict = form_dict or dict(zip(STEPS, form_list, strict=False))
        submission = Submission()
        for form in form_dict.values():
            part = form.submission()
            registry.deep_merge(submission.account, part.account)
            for scope, params in part.persons.items():
                registry.deep_merge(submission.persons.setdefault(scope, {}), params)
        group = FormGroup(form_dict, fallback_step=FINAL_STEP)
        try:
            account = create_account(
                group, submission, request=self.request, user=self.request.user, country=self.get_country(),
                business_type=self.get_business_type(),
            )
        except (stripe.StripeError, PinaxConnectError):
            # What was typed in the last step was never stored: the seller types it again.
            step = group.failed_step or FINAL_STEP
            raise _StepFailed(self.render_revalidation_failure(step, form_dict[step], **kwargs)) from None
        return self.finished(account)

    def finished(self, account: "Account") -> HttpResponseBase:
        """The response once the account exists."""
        if self.success_url:
            # redirect() resolves lazy strings too; django-stubs only lists str.
            return redirect(cast(str, self.success_url))
        return TemplateResponse(self.request, self.done_template_name, {"account": account})
