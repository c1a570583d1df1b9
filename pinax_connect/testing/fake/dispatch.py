"""Running one decoded request through its route: the ``Stripe-Account``
check, unknown-parameter rejection, the handler, ``expand[]`` and the steps
deferred until the response is built."""

import json
from typing import Any

from .errors import FakeStripeError
from .lists import Lists
from .routing import _Route
from .wire import Request


class Dispatch(Lists):
    """``_dispatch``: a request and its route to ``(status, body)``."""

    def _dispatch(self, req: Request, r: _Route | None) -> tuple[int, Any]:
        try:
            if r is None:
                raise FakeStripeError(
                    404,
                    message=f"Unrecognized request URL ({req.method}: {req.path}). Please see "
                    "https://stripe.com/docs or we can help at "
                    "https://support.stripe.com/.",
                )
            self._check_account_header(req)
            if r.params is not None:
                for name in req.params:
                    if name not in r.params:
                        raise FakeStripeError.unknown(name)
            self._current, self._deferred = req, []
            try:
                result = r.handler(self, req)
            finally:
                self._current = None
            body = json.loads(json.dumps(result))  # detach from stored state
            if isinstance(body, dict):
                self.expand(body, req)
            for step in self._deferred:  # after the response is built: it shows the state it caused
                step(self)
            return 200, body
        except FakeStripeError as err:
            return err.status, err.body(req.id)

    def _check_account_header(self, req: Request) -> None:
        if not req.account:
            return
        acct = self.get(req.account, None, "account")
        if acct is None or acct.get("deleted") or self.state.get("revoked", {}).get(req.account):
            raise FakeStripeError(
                403,
                message="The provided key 'sk_test_********' does not have access to "
                f"account '{req.account}' (or that account does not exist). Application access "
                "may have been revoked.",
                code="account_invalid",
            )
