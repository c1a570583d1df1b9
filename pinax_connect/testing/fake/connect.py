"""Connected accounts in the fake Stripe: where each piece lives.

* :mod:`.account_state`: bookkeeping, the blank account, derived fields, ``commit``;
* :mod:`.account_params`: applying create/update parameters;
* :mod:`.accounts`: ``/v1/accounts``, ``/v1/account``, the platform account;
* :mod:`.capabilities`: ``/v1/accounts/{account}/capabilities``;
* :mod:`.account_persons`: ``/v1/accounts/{account}/persons``;
* :mod:`.external_accounts`: ``/v1/accounts/{account}/external_accounts``;
* :mod:`.account_links`: ``/v1/account_links``, login links, ``fake.visit_account_link()``;
* :mod:`.events_api`: ``/v1/events``;
* :mod:`.onboarding`: ``fake.raise_requirements()``, ``fake.complete_onboarding()``;
* :mod:`.oauth`: ``/oauth/*``, ``fake.oauth_code()``, ``fake.deauthorize()``, ``fake.client_id()``.

This module only re-exports the names it used to define, for code that imports
them from here.
"""

from . import account_links, account_persons, accounts, capabilities, events_api, oauth  # noqa: F401
from .account_state import commit, externals, load_account, new_account, persons
from .core import PLATFORM

__all__ = ["PLATFORM", "commit", "load_account", "externals", "persons", "new_account"]
