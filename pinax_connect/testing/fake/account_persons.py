"""The Persons API of connected accounts in the fake Stripe:
``/v1/accounts/{account}/persons`` (create, retrieve, update, delete, list).
A person's shape and validation are in :mod:`.persons`."""

import copy
from typing import Any, cast

from . import banking
from . import persons as persons_mod
from .account_state import load_account, persons, touch
from .core import FakeStripe, FakeStripeError, Request, route
from .core import param_path as _p
from .core import reject_unknown as _unknown


def _person_params(fake: FakeStripe, req: Request, acct: dict[str, Any]) -> dict[str, Any]:
    params = dict(req.params)
    token_id = params.pop("person_token", None)
    if token_id:
        token = banking.use_token(fake, token_id, req.account, {"person"}, "person_token")
        params = {**banking.token_params(fake, token["id"]), **params}
    return params


@route("POST", "/v1/accounts/{account}/persons", params=persons_mod.PERSON_PARAMS | {"person_token"})
def create_person(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Add a person (representative, owner, director, executive) to an account."""
    stored = load_account(fake, req.path_args["account"], req)
    person = persons_mod.blank_person(fake, stored["id"])
    persons_mod.apply_person(fake, person, _person_params(fake, req, stored), "", stored["country"], stored["id"])
    fake.save(person, stored["id"])
    touch(fake, stored["id"])
    person = cast("dict[str, Any]", fake.get(person["id"], stored["id"], "person"))  # just saved
    fake.emit("person.created", person, account=stored["id"])
    return person


def _load_person(fake: FakeStripe, req: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    acct = load_account(fake, req.path_args["account"], req)
    person = fake.get(req.path_args["person"], acct["id"], "person")
    if person is None or person.get("account") != acct["id"]:
        raise FakeStripeError.missing("person", req.path_args["person"], param="person")
    return acct, person


@route("GET", "/v1/accounts/{account}/persons/{person}")
def retrieve_person(fake: FakeStripe, req: Request) -> dict[str, Any]:
    return _load_person(fake, req)[1]


@route("POST", "/v1/accounts/{account}/persons/{person}", params=persons_mod.PERSON_PARAMS | {"person_token"})
def update_person(fake: FakeStripe, req: Request) -> dict[str, Any]:
    """Update a person; emits ``person.updated`` with previous attributes."""
    acct, stored = _load_person(fake, req)
    person = copy.deepcopy(stored)
    persons_mod.apply_person(fake, person, _person_params(fake, req, acct), "", acct["country"], acct["id"])
    fake.save(person, acct["id"])
    touch(fake, acct["id"])
    person = cast("dict[str, Any]", fake.get(person["id"], acct["id"], "person"))  # just saved
    changed = {k: stored[k] for k in person if person[k] != stored.get(k)}
    if changed:
        fake.emit("person.updated", person, account=acct["id"], previous_attributes=changed)
    return person


@route("DELETE", "/v1/accounts/{account}/persons/{person}")
def delete_person(fake: FakeStripe, req: Request) -> dict[str, Any]:
    acct, person = _load_person(fake, req)
    fake.remove(person["id"], acct["id"])
    fake.emit("person.deleted", person, account=acct["id"])
    touch(fake, acct["id"])
    return {"id": person["id"], "object": "person", "deleted": True}


@route("GET", "/v1/accounts/{account}/persons", params={"ending_before", "limit", "relationship", "starting_after"})
def list_persons(fake: FakeStripe, req: Request) -> dict[str, Any]:
    acct = load_account(fake, req.path_args["account"], req)
    people = persons(fake, acct["id"])
    wanted = req.params.get("relationship") or {}
    _unknown({"director", "executive", "owner", "representative", "legal_guardian", "authorizer"}, wanted, "relationship")
    for key, value in wanted.items():
        flag = fake.to_bool(value, _p("relationship", key))
        people = [p for p in people if bool(p["relationship"].get(key)) == flag]
    return fake.list_response(people, req, "/v1/accounts/{}/persons".format(acct["id"]))
