"""The two custom-account forms: create an account, then keep it verified.

Both are plain ``django.forms.Form`` subclasses whose fields come from the
requirement-path registry (:mod:`pinax_connect.forms.fields`), so they drop into a
``FormView`` as in pinax-stripe's docs::

    form_kwargs["request"] = self.request; form_kwargs["country"] = "US"   # InitialCustomAccountForm
    form_kwargs["account"] = account                                       # AdditionalCustomAccountForm

``save()`` sends the values to Stripe through the actions, mirrors the result and
returns the ``Account``. On a Stripe error the message is put on the matching field
(or as a non-field error) and the exception is re-raised, which is what those views
expect. Sensitive values (full account numbers, SSNs, ID numbers, documents) only
travel to Stripe: nothing here stores, logs or re-renders them. The base class,
``RequirementsForm``, is in :mod:`.requirements_form`.
"""
import logging
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import stripe
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .. import countries
from ..client import new_idempotency_key
from ..exceptions import PinaxConnectError
from . import fields as registry
from .requirements_form import RequirementsForm, Submission, _documents, _set

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

    from ..models import Account
    from .wizard import FormGroup

logger = logging.getLogger(__name__)


def _user_of(request: HttpRequest) -> "AbstractBaseUser":
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise PermissionDenied("A Stripe account can only be created for a logged-in user.")
    return user


class InitialCustomAccountForm(RequirementsForm):
    """Everything Stripe needs to create a custom account able to take charges and be paid out.

    ``InitialCustomAccountForm(data, files, request=request, country="US",
    business_type="individual")``. Fields: the person (or the company and its
    representative), business category and website, a bank account in the local
    format, and a terms-of-service checkbox.
    """

    def __init__(
        self, *args: Any, request: HttpRequest, country: str, business_type: str = "individual",
        account_link_url: str | None = None, **kwargs: Any,
    ) -> None:
        self.request = request
        self.country = countries.get(country).code  # UnsupportedCountry for "USA", "ZZ"...
        if business_type not in dict(registry.BUSINESS_TYPE_CHOICES):
            raise ValueError("business_type must be one of {}".format(", ".join(dict(registry.BUSINESS_TYPE_CHOICES))))
        self.business_type = business_type
        self.account: Account | None = None
        self.user = _user_of(request)
        context = registry.Context(country=self.country, request=request, business_type=business_type)
        super().__init__(
            *args,
            context=context,
            paths=registry.initial_paths(self.country, business_type),
            account_link_url=account_link_url,
            **kwargs,
        )

    def save(self) -> "Account":
        """Create the account on Stripe for ``request.user`` and return the ``Account``.

        Sends ``POST /v1/accounts`` (``type=custom``, the country, ``business_type``,
        the person/company, ``business_profile``, ``external_account`` as a bank-account
        hash, ``tos_acceptance`` with the request's date/IP/user agent, capabilities
        ``card_payments`` + ``transfers``); then, for companies, creates the
        representative (``POST /v1/accounts/{id}/persons``) and uploads any documents.
        Stores the ``Account`` linked to the user and its external account (last 4 only).
        Any failure is put on the form and re-raised (see :func:`create_account`).
        """
        return create_account(self, self.submission(), request=self.request, user=self.user, country=self.country,
                              business_type=self.business_type)


def create_account(
    form: "InitialCustomAccountForm | FormGroup", submission: Submission, *, request: HttpRequest,
    user: "AbstractBaseUser", country: str, business_type: str,
) -> "Account":
    """Create a custom account from ``submission``, reporting errors on ``form``.

    Shared by :class:`InitialCustomAccountForm` and the wizard. Creates the account,
    then uploads documents and adds the representative. A failure at any step is put
    on the form (on the field Stripe's ``param`` names) and re-raised, so the view
    re-displays the form; ``form.account`` is then the account if it was created.
    The account's id stays in the seller's session until every step succeeded: the
    corrected resubmission updates that account instead of creating a second one.
    """
    from ..actions import accounts

    documents = list(_documents(submission.account))
    for path, _upload in documents:  # files can only be uploaded once the account exists
        parent: Any = submission.account  # nested dicts and lists
        for key in path[:-1]:
            parent = parent[key]
        parent.pop(path[-1])
    params = {k: v for k, v in submission.account.items() if v != {}}
    params.setdefault("business_type", business_type)
    with form.reporting():
        account = _create_once(request, user, country, params)
    form.account = account
    followup = Submission(persons=submission.persons)
    for path, upload in documents:
        _set(followup.account, path, upload)
    try:
        if followup.account or followup.persons:
            form.upload_documents(account, followup)
            if followup.account:
                with form.reporting():
                    account = accounts.update(account, followup.account)
            form.save_persons(account, followup.persons)
    except (stripe.StripeError, PinaxConnectError) as exc:
        logger.warning("Account %s was created but completing it failed (%s).", account.stripe_id,
                       type(exc).__name__)
        raise
    _forget_attempt(request)
    account = accounts.sync_account(account)
    form.account = account
    return account


CREATION_SESSION_KEY = "pinax_connect_account_creation"


def _creation_attempt(request: HttpRequest, *, fresh: bool = False) -> dict[str, Any]:
    """The idempotency key and terms-acceptance time of the seller's account creation.

    They stay in the session until the account exists: when Stripe created the account
    but its answer was lost, the seller's resubmission sends the same request with the
    same key and Stripe answers with that account instead of making a second one.
    (``tos_acceptance.date`` must not change between the two, or Stripe would refuse
    the reused key.) Once the account exists its id is added, until every later step
    succeeded. Nothing sensitive is kept, only a random key, a timestamp and an id.
    """
    session = getattr(request, "session", None)
    attempt = None if fresh or session is None else session.get(CREATION_SESSION_KEY)
    if not attempt:
        attempt = {"key": new_idempotency_key(), "date": int(time.time())}
        if session is not None:
            session[CREATION_SESSION_KEY] = attempt
    return attempt


def _forget_attempt(request: HttpRequest) -> None:
    if getattr(request, "session", None) is not None:
        request.session.pop(CREATION_SESSION_KEY, None)


# ``user`` is Any: mypy's Django plugin types the ``user=`` lookup with the project's AUTH_USER_MODEL.
def _create_once(request: HttpRequest, user: Any, country: str, params: dict[str, Any]) -> "Account":
    from ..actions import accounts
    from ..models import Account

    def create(attempt: Mapping[str, Any]) -> Account:
        if "tos_acceptance" in params:
            params["tos_acceptance"]["date"] = attempt["date"]
        return accounts.create(user, country, type="custom", idempotency_key=attempt["key"], **params)

    attempt = _creation_attempt(request)
    created = attempt.get("account") and Account.objects.filter(stripe_id=attempt["account"], user=user).first()
    if created:  # an earlier submission created it and a later step failed: complete that one
        params.pop("business_type", None)
        return accounts.update(created, params)
    try:
        account = create(attempt)
    except stripe.IdempotencyError:
        # The seller changed what they submitted since the attempt the key belongs to.
        attempt = _creation_attempt(request, fresh=True)
        account = create(attempt)
    session = getattr(request, "session", None)
    if session is not None:
        session[CREATION_SESSION_KEY] = {**attempt, "account": account.stripe_id}
    return account


class AdditionalCustomAccountForm(RequirementsForm):
    """What Stripe asks for next, built at run time from the account's requirements.

    ``AdditionalCustomAccountForm(data, files, account=account, request=None,
    include_eventually_due=False)``: one field group per path of
    ``account.verification_fields_needed`` (plus ``requirements.eventually_due`` when
    ``include_eventually_due``), pre-filled from ``account.stripe_data``, with
    Stripe's ``requirements.errors`` reasons shown on the matching fields. Paths that
    cannot be collected here are listed in ``hosted_paths`` (see
    ``hosted_onboarding_url``). With a ``request``, the request's user must own the
    account (``PermissionDenied`` otherwise).
    """

    include_eventually_due = False

    def __init__(
        self, *args: Any, account: "Account", request: HttpRequest | None = None,
        include_eventually_due: bool | None = None, account_link_url: str | None = None, **kwargs: Any,
    ) -> None:
        if request is not None:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated or account.user_id != user.pk:
                raise PermissionDenied("This Stripe account belongs to another user.")
        self.account = account
        self.request = request
        if include_eventually_due is not None:
            self.include_eventually_due = include_eventually_due
        requirements = account.requirements or (account.stripe_data or {}).get("requirements") or {}
        paths = list(account.verification_fields_needed or [])
        if self.include_eventually_due:
            paths += [p for p in requirements.get("eventually_due") or [] if p not in paths]
        context = registry.Context(
            country=(account.country or "US").upper(),
            request=request,
            account=account,
            business_type=account.business_type or "individual",
            currency=account.default_currency or None,
        )
        initial = kwargs.pop("initial", None) or {}
        super().__init__(*args, context=context, paths=paths, account_link_url=account_link_url, **kwargs)
        self.initial = {**self._stripe_initial(), **initial}
        self._show_requirement_errors(requirements.get("errors") or [])

    def _stripe_initial(self) -> dict[str, Any]:
        data = self.account.stripe_data or {}
        initial: dict[str, Any] = {}
        for binding in self.bindings:
            scope_data = data if not binding.scope else (data.get(binding.scope) if binding.target == "account" else {})
            for suffix, value in binding.entry.initial(scope_data or {}, self.context).items():
                if binding.field_name(suffix) in self.fields:
                    initial[binding.field_name(suffix)] = value
        return initial

    def _show_requirement_errors(self, requirement_errors: Iterable[Mapping[str, Any]]) -> None:
        for error in requirement_errors:
            requirement, reason = error.get("requirement") or "", error.get("reason") or ""
            binding = registry.resolve(requirement, self.context.business_type) or registry.generic_binding(
                requirement, self.context.business_type
            )
            rest = ""
            if binding is not None:
                canonical = registry.canonical(requirement, self.context.business_type) or ""
                rest = canonical[len(binding.path) + 1:] if canonical.startswith(binding.path + ".") else ""
            name = None if binding is None else binding.field_name(binding.entry.suffix_for(rest, self.context))
            if name not in self.fields:
                name = None if binding is None else next(
                    (n for n in self.fields if n == binding.field_name() or n.startswith(binding.field_name() + "__")),
                    None,
                )
            if name is None:
                self.requirement_reasons.setdefault(None, []).append(reason)
                continue
            self.requirement_reasons.setdefault(name, []).append(reason)
            form_field = self.fields[name]
            form_field.requirement_reasons = self.requirement_reasons[name]
            form_field.help_text = " ".join(str(r) for r in [reason, form_field.help_text] if r)

    def save(self) -> "Account":
        """Send the new information to Stripe and return the re-synced ``Account``.

        Uploads documents (``POST /v1/files`` on the account, with the purpose each one
        needs: see :func:`~.structured.purpose_for`), then sends one ``POST /v1/accounts/{id}`` with every account-level
        value, one ``POST /v1/accounts/{id}/persons[/{person}]`` per person touched (a new
        person for ``owners.*`` / ``directors.*`` / ``executives.*``), and
        re-reads the account (``GET /v1/accounts/{id}``) so ``verification_fields_needed``
        is current. Stores only what Stripe returns.
        """
        from ..actions import accounts

        account = self.account
        with self.reporting():
            accounts.ensure_authorized(account)
        submission = self.submission()
        self.upload_documents(account, submission)
        if submission.account:
            with self.reporting():
                account = accounts.update(account, submission.account)
        self.save_persons(account, submission.persons)
        with self.reporting():
            account = accounts.sync_account(account)
        self.account = account
        return account
