"""The base of the account forms: :class:`RequirementsForm` builds its fields from
the requirement-path registry (:mod:`pinax_connect.forms.fields`) for a list of
paths, pre-fills them, collects the cleaned values into a :class:`Submission`
(account and person parameters), and with :class:`StripeSubmitMixin` uploads
documents, creates or updates persons and puts Stripe's errors on the matching
fields. Sensitive values only travel to Stripe: nothing here stores, logs or
re-renders them.
"""
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import stripe
from django import forms
from django.core.files import File
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ..client import get_client, new_idempotency_key, request_options
from ..exceptions import PinaxConnectError
from . import errors, structured
from . import fields as registry
from .widgets import SensitiveInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from ..models import Account

# A key path into nested Stripe parameters: dict keys, and indexes into lists.
ParamPath = tuple[str | int, ...]

# Named as before the forms were split, so logging configurations keep matching it.
logger = logging.getLogger("pinax_connect.forms.accounts")

HOSTED_MESSAGE = _(
    "Some of the information Stripe needs can only be provided on Stripe's secure page. "
    "Please continue there to finish verifying your account."
)
ACCOUNT_ERROR_MESSAGE = _("This payment account cannot be updated right now.")


@dataclass
class Submission:
    """What a form sends: account parameters, and parameters per person scope."""

    account: dict[str, Any] = field(default_factory=dict)
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)


def _documents(params: dict[str, Any] | list[Any], path: ParamPath = ()) -> Iterator[tuple[ParamPath, File]]:
    """Yield ``(path_tuple, file)`` for every uploaded file inside nested ``params``
    (list items are addressed by their index)."""
    items = enumerate(params) if isinstance(params, list) else params.items()
    for key, value in items:
        if isinstance(value, (dict, list)):
            yield from _documents(value, path + (key,))
        elif isinstance(value, File):
            yield path + (key,), value


def _set(params: Any, path: tuple[Any, ...], value: Any) -> None:
    for i, key in enumerate(path[:-1]):
        if isinstance(params, list):
            params = params[key]
        else:
            params = params.setdefault(key, [] if isinstance(path[i + 1], int) else {})
    if isinstance(params, list):
        while len(params) <= path[-1]:
            params.append(None)
    params[path[-1]] = value


class StripeSubmitMixin:
    """Sending a :class:`Submission` to Stripe with errors reported on the form.

    Needs ``bindings``, ``context``, ``fields``, ``add_error()`` and
    ``sensitive_values()``: a :class:`RequirementsForm`, or the wizard's group of
    step forms.
    """

    # Provided by the form class it is mixed into (annotations only: nothing at run time).
    bindings: list[registry.Binding]
    context: registry.Context
    fields: Any
    add_error: Any
    sensitive_values: Any

    @contextmanager
    def reporting(self, scope: str = "") -> Iterator[None]:
        """Turn Stripe errors (and ours) raised inside into form errors, then re-raise them."""
        try:
            yield
        except stripe.StripeError as exc:
            errors.apply_stripe_error(self, exc, scope=scope, secrets=self.sensitive_values())
            raise
        except PinaxConnectError:
            self.add_error(None, ACCOUNT_ERROR_MESSAGE)
            raise

    def upload_documents(self, account: "Account", submission: Submission) -> None:
        """Upload every file in ``submission`` to Stripe's File API and put the ids in its place.

        Sends ``POST https://files.stripe.com/v1/files`` with ``Stripe-Account: <account>``,
        so the file belongs to the connected account, and the ``purpose`` Stripe wants
        where the id goes (``identity_document`` for a person's identity documents,
        ``additional_verification`` for the company's, ``account_requirement`` for
        ``documents[*][files]``). Nothing is stored locally.
        """
        client = get_client()
        targets = [("", submission.account)] + list(submission.persons.items())
        for scope, params in targets:
            for path, upload in list(_documents(params)):
                upload.seek(0)
                try:
                    stripe_file = client.v1.files.create(
                        {"file": upload, "purpose": structured.purpose_for(scope, tuple(
                            key for key in path if not isinstance(key, int)))},
                        request_options(stripe_account=account, idempotency_key=new_idempotency_key()),
                    )
                except stripe.StripeError as exc:
                    name = self._field_for_document(scope, path)
                    if name and not isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError)):
                        self.add_error(name, errors.user_message(exc) or errors.GENERIC_MESSAGE)
                    else:
                        errors.apply_stripe_error(self, exc)
                    raise
                _set(params, path, stripe_file.id)

    def save_persons(self, account: "Account", persons: Mapping[str, dict[str, Any]]) -> None:
        """Create or update the Persons touched: one call per person.

        ``representative`` updates the account's representative (found with
        ``GET /v1/accounts/{id}/persons?relationship[representative]=true``) or creates
        one (``relationship[representative]=true``); ``owners`` / ``directors`` /
        ``executives`` create a new person with that relationship flag
        (``POST /v1/accounts/{id}/persons``); ``person_<id>`` updates that person.
        """
        client = get_client()
        for scope, params in persons.items():
            with self.reporting(scope):
                options = request_options(idempotency_key=new_idempotency_key())
                if scope in registry.ROLE_SCOPES:
                    flag = {"relationship": {registry.ROLE_SCOPES[scope]: True}}
                    client.v1.accounts.persons.create(account.stripe_id, registry.deep_merge(flag, params), options)
                elif scope == "representative":
                    found = client.v1.accounts.persons.list(
                        account.stripe_id, {"relationship": {"representative": True}, "limit": 1}
                    )
                    if found.data:
                        client.v1.accounts.persons.update(account.stripe_id, found.data[0].id, params, options)
                    else:
                        params = registry.deep_merge({"relationship": {"representative": True}}, params)
                        client.v1.accounts.persons.create(account.stripe_id, params, options)
                else:
                    client.v1.accounts.persons.update(account.stripe_id, scope, params, options)


    def _field_for_document(self, scope: str, path: ParamPath) -> str | None:
        """The form field an uploaded file at ``path`` (within ``scope``) came from."""
        keys = tuple(key for key in path if not isinstance(key, int))  # list indexes dropped, as param_to_path does
        dotted = ".".join(((scope,) if scope else ()) + keys)
        return errors.field_for_param(self.bindings, self.context, dotted, self.fields)


class RequirementsForm(StripeSubmitMixin, forms.Form):
    """A form whose fields are the registry's fields for a list of requirement paths.

    Attributes after construction: ``context`` (:class:`~.fields.Context`),
    ``bindings`` (resolved paths, in order), ``hosted_paths`` (paths that need
    Stripe-hosted onboarding), ``requirement_reasons`` (``field name -> [reason]``).
    """

    template_name = "pinax_connect/forms/form.html"

    def __init__(
        self, *args: Any, context: registry.Context, paths: Iterable[str], account_link_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.context = context
        self.account_link_url = account_link_url
        self.bindings, self.hosted_paths = registry.resolve_all(paths, context)
        self.requirement_reasons: dict[str | None, list[str]] = {}
        super().__init__(*args, **kwargs)
        self._suffixes: dict[registry.Binding, list[str]] = {}
        for binding in self.bindings:
            made = binding.entry.fields(context)  # fresh instances for this form only
            self._suffixes[binding] = list(made)
            for suffix, form_field in made.items():
                self.fields[binding.field_name(suffix)] = form_field

    # ---- what the form holds ---------------------------------------------------------

    @property
    def hosted_message(self) -> "StrOrPromise":
        """The notice to show when part of the requirements must be given to Stripe directly."""
        return HOSTED_MESSAGE if self.hosted_paths else ""

    @cached_property
    def hosted_onboarding_url(self) -> str | None:
        """Where to send the seller for the hosted-only paths (``None`` when not possible).

        ``account_link_url`` given to the form wins (a view of yours that redirects to a
        fresh Account Link); otherwise a Stripe Account Link is created on first use
        (links are single-use and expire within minutes, so only when rendered).
        """
        if not self.hosted_paths:
            return None
        if self.account_link_url:
            return self.account_link_url
        account, request = self.context.account, self.context.request
        if account is None or request is None:
            return None
        from ..actions import onboarding

        here = request.build_absolute_uri()
        try:
            return onboarding.create_account_link(
                account, type="account_onboarding", refresh_url=here, return_url=here
            )
        except (stripe.StripeError, PinaxConnectError):
            logger.warning("Could not create an account link for %s", account.stripe_id, exc_info=True)
            return None

    def sensitive_values(self) -> list[str]:
        """What the seller typed into sensitive fields (to mask it out of messages)."""
        values = []
        for name, form_field in self.fields.items():
            if isinstance(form_field.widget, SensitiveInput):
                value = self.data.get(self.add_prefix(name)) if self.is_bound else None
                if value:
                    values.append(value)
                    values.append(value.replace(" ", "").replace("-", ""))
        return values

    def submission(self) -> Submission:
        """The cleaned values as Stripe parameters (call after ``is_valid()``)."""
        out = Submission()
        for binding in self.bindings:
            values = {
                suffix: self.cleaned_data.get(binding.field_name(suffix)) for suffix in self._suffixes[binding]
            }
            params = binding.entry.to_params(values, self.context)
            if not params:
                continue
            if binding.target == "person":
                registry.deep_merge(out.persons.setdefault(binding.scope, {}), params)
            elif binding.scope:
                registry.deep_merge(out.account.setdefault(binding.scope, {}), params)
            else:
                registry.deep_merge(out.account, params)
        return out
