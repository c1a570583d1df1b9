"""Connect onboarding in the fake Stripe, through a real stripe.StripeClient."""

import io
import json

import pytest
import stripe

CAPS = {"card_payments": {"requested": True}, "transfers": {"requested": True}}
US_BANK = {"object": "bank_account", "country": "US", "currency": "usd",
           "routing_number": "110000000", "account_number": "000123456789"}
INDIVIDUAL = {
    "first_name": "Jenny", "last_name": "Rosen", "email": "jenny@example.com", "phone": "+15555550100",
    "dob": {"day": 1, "month": 2, "year": 1980}, "ssn_last_4": "9876",
    "address": {"line1": "1 Main St", "city": "Springfield", "postal_code": "94110", "state": "CA"},
}
COMPLETE = {
    "individual": INDIVIDUAL,
    "business_profile": {"mcc": "5734", "url": "https://example.com"},
    "tos_acceptance": {"date": 1700000000, "ip": "203.0.113.7"},
    "external_account": US_BANK,
}
NEW_US_INDIVIDUAL_DUE = [
    "business_profile.mcc", "business_profile.url", "external_account",
    "individual.address.city", "individual.address.line1", "individual.address.postal_code",
    "individual.address.state", "individual.dob.day", "individual.dob.month", "individual.dob.year",
    "individual.email", "individual.first_name", "individual.last_name", "individual.phone",
    "individual.ssn_last_4", "tos_acceptance.date", "tos_acceptance.ip",
]


def custom(stripe_client, **extra):
    params = {"type": "custom", "country": "US", "business_type": "individual", "capabilities": CAPS}
    params.update(extra)
    return stripe_client.v1.accounts.create(params)


def pdf(name="id.pdf", size=None):
    data = b"%PDF-1.4 " + (b"x" * (size - 9) if size else b"test document")
    upload = io.BytesIO(data)
    upload.name = name
    return upload


# ---- accounts and requirements -----------------------------------------------------


def test_new_custom_individual_lists_what_it_lacks(stripe_client):
    acct = custom(stripe_client)
    assert acct.type == "custom" and acct.country == "US" and acct.default_currency == "usd"
    assert sorted(acct.requirements.currently_due) == sorted(NEW_US_INDIVIDUAL_DUE)
    assert "individual.id_number" in acct.requirements.eventually_due
    assert acct.requirements.disabled_reason == "requirements.past_due"
    assert acct.charges_enabled is False and acct.payouts_enabled is False
    assert acct.details_submitted is False
    assert acct.capabilities.to_dict() == {"card_payments": "inactive", "transfers": "inactive"}
    assert acct.controller.requirement_collection == "application"


def test_supplying_fields_removes_them_and_enables_the_account(fake, stripe_client):
    acct = custom(stripe_client)
    partial = stripe_client.v1.accounts.update(acct.id, {"individual": {"first_name": "Jenny"}})
    assert "individual.first_name" not in partial.requirements.currently_due
    assert "individual.last_name" in partial.requirements.currently_due
    done = stripe_client.v1.accounts.update(acct.id, COMPLETE)
    assert done.requirements.currently_due == [] and done.requirements.past_due == []
    assert done.requirements.disabled_reason is None
    assert done.charges_enabled is True and done.payouts_enabled is True
    assert done.details_submitted is True
    assert done.capabilities.to_dict() == {"card_payments": "active", "transfers": "active"}
    assert done.individual.ssn_last_4_provided is True
    assert done.external_accounts.data[0].last4 == "6789"
    event = fake.events[-3]  # account.updated, then the two capability.updated
    assert event["type"] == "account.updated"
    assert "requirements" in event["data"]["previous_attributes"]
    assert event["data"]["previous_attributes"]["charges_enabled"] is False
    assert [e["type"] for e in fake.events[-2:]] == ["capability.updated"] * 2


def test_sensitive_values_are_never_kept(fake, stripe_client):
    acct = custom(stripe_client)
    stripe_client.v1.accounts.update(acct.id, {**COMPLETE, "individual": {**INDIVIDUAL, "id_number": "123459876"}})
    dumped = json.dumps(fake.state) + repr(fake.requests)
    for secret in ("9876", "123459876", "000123456789"):
        assert secret not in dumped
    assert fake.get(acct.id)["individual"]["id_number_provided"] is True


def test_charges_need_the_card_payments_capability(stripe_client):
    acct = custom(stripe_client, capabilities={"transfers": {"requested": True}}, **COMPLETE)
    assert acct.requirements.currently_due == []
    assert acct.charges_enabled is False and acct.payouts_enabled is True


def test_company_accounts_need_company_details_and_persons(fake, stripe_client):
    acct = custom(stripe_client, business_type="company")
    due = acct.requirements.currently_due
    for field in ("company.name", "company.tax_id", "company.address.line1",
                  "representative.first_name", "representative.relationship.title", "owners.first_name"):
        assert field in due
    rep = stripe_client.v1.accounts.persons.create(acct.id, {"first_name": "Ada", "relationship": {"representative": True}})
    due = stripe_client.v1.accounts.retrieve(acct.id).requirements.currently_due
    assert not any(f.startswith("representative.") for f in due)
    assert "%s.last_name" % rep.id in due and "%s.first_name" % rep.id not in due
    assert "last_name" in rep.requirements.currently_due
    stripe_client.v1.accounts.persons.update(acct.id, rep.id, {
        **{k: v for k, v in INDIVIDUAL.items() if k != "first_name"},
        "relationship": {"title": "CEO", "executive": True}})
    stripe_client.v1.accounts.update(acct.id, {
        "company": {"name": "Acme", "phone": "+15555550101", "tax_id": "000000000", "owners_provided": True,
                    "ownership_declaration": {"date": 1700000000, "ip": "203.0.113.7"},
                    "address": {"line1": "1 Main", "city": "Springfield", "postal_code": "94110", "state": "CA"}},
        "business_profile": {"mcc": "5734", "url": "https://acme.example"},
        "tos_acceptance": {"date": 1700000000, "ip": "203.0.113.7"},
        "external_account": "btok_us_verified",
    })
    done = stripe_client.v1.accounts.retrieve(acct.id)
    assert done.requirements.currently_due == [] and done.charges_enabled is True
    assert done.company.tax_id_provided is True


def test_euro_account_takes_an_iban(stripe_client):
    acct = stripe_client.v1.accounts.create({
        "type": "custom", "country": "DE", "business_type": "individual", "capabilities": CAPS,
        "external_account": {"object": "bank_account", "country": "DE", "currency": "eur",
                             "account_number": "DE89370400440532013000"},
    })
    assert acct.default_currency == "eur"
    assert "individual.address.state" not in acct.requirements.currently_due
    assert "individual.ssn_last_4" not in acct.requirements.currently_due
    bank = acct.external_accounts.data[0]
    assert bank.last4 == "3000" and bank.currency == "eur" and bank.country == "DE"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": {
            "object": "bank_account", "country": "DE", "currency": "eur",
            "account_number": "DE89370400440532013001"}})
    assert exc.value.param == "external_account[account_number]"


def test_invalid_routing_number_names_the_param(fake, stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        custom(stripe_client, external_account={**US_BANK, "routing_number": "110000001"})
    assert exc.value.param == "external_account[routing_number]"
    assert fake.all("account") == []  # nothing half-created


def test_controller_properties_create_the_matching_type(stripe_client):
    acct = stripe_client.v1.accounts.create({
        "controller": {"stripe_dashboard": {"type": "none"}, "fees": {"payer": "application"},
                       "losses": {"payments": "application"}, "requirement_collection": "application"},
        "capabilities": CAPS,
    })
    assert acct.type == "custom" and acct.controller.stripe_dashboard.type == "none"
    express = stripe_client.v1.accounts.create({"controller": {"stripe_dashboard": {"type": "express"}}})
    assert express.type == "express"


@pytest.mark.parametrize("params, param", [
    ({"type": "bespoke"}, "type"),
    ({"type": "custom"}, "capabilities"),
    ({"type": "custom", "capabilities": {"teleport": {"requested": True}}}, "capabilities[teleport]"),
    ({"type": "custom", "capabilities": CAPS, "business_type": "cooperative"}, "business_type"),
    ({"type": "custom", "capabilities": CAPS, "email": "not-an-email"}, "email"),
    ({"type": "custom", "capabilities": CAPS, "individual": {"ssn_last_4": "12"}}, "individual[ssn_last_4]"),
    ({"type": "custom", "capabilities": CAPS, "business_profile": {"url": "nope"}}, "business_profile[url]"),
    ({"type": "custom", "capabilities": CAPS, "settings": {"payouts": {"schedule": {"interval": "hourly"}}}},
     "settings[payouts][schedule][interval]"),
    ({"type": "express", "tos_acceptance": {"date": 1}}, "tos_acceptance"),
])
def test_invalid_account_parameters(stripe_client, params, param):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.create(params)
    assert exc.value.param == param


def test_update_merges_metadata_and_settings(stripe_client):
    acct = custom(stripe_client, metadata={"a": "1", "b": "2"})
    acct = stripe_client.v1.accounts.update(acct.id, {"metadata": {"a": "", "c": "3"},
                                               "settings": {"payouts": {"schedule": {"interval": "weekly",
                                                                                     "weekly_anchor": "friday"}}}})
    assert acct.metadata.to_dict() == {"b": "2", "c": "3"}
    assert acct.settings.payouts.schedule.to_dict() == {"delay_days": 2, "interval": "weekly", "weekly_anchor": "friday"}


def test_failed_update_changes_nothing(fake, stripe_client):
    acct = custom(stripe_client, email="before@example.com")
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.update(acct.id, {"email": "after@example.com", "individual": {"dob": {"month": "13"}}})
    assert stripe_client.v1.accounts.retrieve(acct.id).email == "before@example.com"


def test_raise_requirements_then_supply_them(fake, stripe_client):
    acct = custom(stripe_client, **COMPLETE)
    deadline = fake.now() + 86400
    fake.raise_requirements(acct.id, ["individual.id_number", "individual.verification.document"], deadline=deadline)
    event = fake.events[-1]
    assert event["type"] == "account.updated" and event["account"] == acct.id
    assert event["data"]["previous_attributes"]["requirements"]["currently_due"] == []
    now = stripe_client.v1.accounts.retrieve(acct.id)
    assert now.requirements.currently_due == ["individual.id_number", "individual.verification.document"]
    assert now.requirements.past_due == [] and now.requirements.current_deadline == deadline
    assert now.requirements.disabled_reason is None
    # Before the deadline nothing is disabled yet, as on Stripe.
    assert now.charges_enabled is True and now.payouts_enabled is True
    upload = stripe_client.v1.files.create({"purpose": "identity_document", "file": pdf()}, {"stripe_account": acct.id})
    done = stripe_client.v1.accounts.update(acct.id, {"individual": {
        "id_number": "123456789", "verification": {"document": {"front": upload.id}}}})
    assert done.requirements.currently_due == [] and done.requirements.current_deadline is None
    assert done.charges_enabled is True
    assert done.individual.verification.document.front == upload.id


def test_requirements_become_past_due(fake, stripe_client):
    acct = custom(stripe_client, **COMPLETE)
    fake.raise_requirements(acct.id, ["individual.id_number"], past_due=True)
    assert stripe_client.v1.accounts.retrieve(acct.id).requirements.disabled_reason == "requirements.past_due"
    other = custom(stripe_client, **COMPLETE)
    fake.raise_requirements(other.id, ["individual.id_number"], deadline=fake.now() + 60)
    assert stripe_client.v1.accounts.retrieve(other.id).requirements.past_due == []
    fake.advance(61)
    later = stripe_client.v1.accounts.retrieve(other.id)
    assert later.requirements.past_due == ["individual.id_number"]
    assert later.charges_enabled is False and later.payouts_enabled is False
    assert fake.events[-1]["type"] in ("account.updated", "capability.updated")


def test_reject_disables_the_account(fake, stripe_client):
    acct = custom(stripe_client, **COMPLETE)
    rejected = stripe_client.v1.accounts.reject(acct.id, {"reason": "fraud"})
    assert rejected.requirements.disabled_reason == "rejected.fraud"
    assert rejected.charges_enabled is False and rejected.payouts_enabled is False
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.reject(acct.id, {"reason": "boredom"})
    assert exc.value.param == "reason"


def test_delete_account(fake, stripe_client):
    acct = custom(stripe_client)
    deleted = stripe_client.v1.accounts.delete(acct.id)
    assert deleted.deleted is True and deleted.id == acct.id
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.retrieve(acct.id)
    with pytest.raises(stripe.PermissionError):
        stripe_client.v1.events.list({}, {"stripe_account": acct.id})


def test_list_accounts_is_platform_only(stripe_client):
    acct = custom(stripe_client)
    assert [a.id for a in stripe_client.v1.accounts.list().data] == [acct.id]
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.list(options={"stripe_account": acct.id})


def test_retrieve_current_account(stripe_client):
    platform = stripe_client.v1.accounts.retrieve_current()
    assert platform.charges_enabled is True and platform.id.startswith("acct_")
    assert stripe_client.v1.accounts.retrieve_current() == platform
    acct = custom(stripe_client)
    assert stripe_client.v1.accounts.retrieve_current(options={"stripe_account": acct.id}).id == acct.id


# ---- capabilities --------------------------------------------------------------------


def test_capabilities_list_retrieve_and_request(fake, stripe_client):
    acct = custom(stripe_client, capabilities={"transfers": {"requested": True}}, **COMPLETE)
    caps = {c.id: c for c in stripe_client.v1.accounts.capabilities.list(acct.id).data}
    assert caps["transfers"].status == "active" and caps["card_payments"].status == "unrequested"
    assert caps["card_payments"].requested is False
    cap = stripe_client.v1.accounts.capabilities.update(acct.id, "card_payments", {"requested": True})
    assert cap.status == "active" and cap.requested is True and cap.requested_at == fake.now()
    assert fake.events[-1]["type"] == "capability.updated"
    assert fake.events[-1]["data"]["object"]["id"] == "card_payments"
    assert stripe_client.v1.accounts.retrieve(acct.id).charges_enabled is True
    pending = custom(stripe_client)
    cap = stripe_client.v1.accounts.capabilities.retrieve(pending.id, "card_payments")
    assert cap.status == "inactive" and "individual.first_name" in cap.requirements.currently_due
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.capabilities.retrieve(acct.id, "teleport_payments")


# ---- persons -----------------------------------------------------------------------------


def test_person_crud_and_events(fake, stripe_client):
    acct = custom(stripe_client, business_type="company")
    owner = stripe_client.v1.accounts.persons.create(acct.id, {
        "first_name": "Olga", "relationship": {"owner": True, "percent_ownership": "60"}})
    assert fake.events[-1]["type"] == "person.created" and fake.events[-1]["account"] == acct.id
    assert owner.relationship.percent_ownership == 60 and owner.account == acct.id
    rep = stripe_client.v1.accounts.persons.create(acct.id, {"relationship": {"representative": True}})
    updated = stripe_client.v1.accounts.persons.update(acct.id, owner.id, {"last_name": "O", "ssn_last_4": "1234"})
    assert updated.last_name == "O" and updated.ssn_last_4_provided is True
    event = fake.events[-1]
    assert event["type"] == "person.updated" and event["data"]["previous_attributes"]["last_name"] is None
    owners = stripe_client.v1.accounts.persons.list(acct.id, {"relationship": {"owner": True}}).data
    assert [p.id for p in owners] == [owner.id]
    assert {p.id for p in stripe_client.v1.accounts.persons.list(acct.id).data} == {owner.id, rep.id}
    gone = stripe_client.v1.accounts.persons.delete(acct.id, rep.id)
    assert gone.deleted is True and fake.events[-2]["type"] == "person.deleted"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.persons.retrieve(acct.id, rep.id)
    other = custom(stripe_client, business_type="company")
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.persons.retrieve(other.id, owner.id)


# ---- external accounts -------------------------------------------------------------------


def test_external_accounts_defaults_updates_and_deletes(fake, stripe_client):
    acct = custom(stripe_client)
    first = stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": "btok_us_verified"})
    assert first.default_for_currency is True and first.bank_name == "STRIPE TEST BANK"
    assert first.routing_number == "110000000" and first.last4 == "6789" and first.fingerprint
    assert fake.events[-2]["type"] == "account.external_account.created"
    second = stripe_client.v1.accounts.external_accounts.create(
        acct.id, {"external_account": {**US_BANK, "account_number": "000111111116"}, "metadata": {"n": "2"}})
    assert second.default_for_currency is False and second.metadata.to_dict() == {"n": "2"}
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.external_accounts.delete(acct.id, first.id)
    assert "default external account" in exc.value.user_message
    promoted = stripe_client.v1.accounts.external_accounts.update(acct.id, second.id, {"default_for_currency": True})
    assert promoted.default_for_currency is True
    assert stripe_client.v1.accounts.external_accounts.retrieve(acct.id, first.id).default_for_currency is False
    deleted = stripe_client.v1.accounts.external_accounts.delete(acct.id, first.id)
    assert deleted.deleted is True
    assert any(e["type"] == "account.external_account.deleted" for e in fake.events)
    remaining = stripe_client.v1.accounts.external_accounts.list(acct.id, {"object": "bank_account"}).data
    assert [b.id for b in remaining] == [second.id]
    assert stripe_client.v1.accounts.external_accounts.list(acct.id, {"object": "card"}).data == []
    assert fake.state["bank_behaviors"][second.id] == "no_account"


def test_account_update_external_account_replaces_the_default(stripe_client):
    acct = custom(stripe_client, external_account="btok_us_verified")
    old = acct.external_accounts.data[0].id
    acct = stripe_client.v1.accounts.update(acct.id, {"external_account": {**US_BANK, "account_number": "000222222227"}})
    assert [b.last4 for b in acct.external_accounts.data] == ["2227"]
    assert acct.external_accounts.data[0].id != old


def test_debit_cards_can_be_external_accounts_but_not_credit_cards(stripe_client):
    acct = custom(stripe_client)
    card = stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": "tok_visa_debit"})
    assert card.object == "card" and card.funding == "debit" and card.last4 == "5556"
    assert card.default_for_currency is True and card.account == acct.id
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": "tok_visa"})
    assert exc.value.code == "invalid_card_type" and exc.value.param == "external_account"


# ---- tokens ---------------------------------------------------------------------------------


def test_bank_account_tokens_are_single_use(stripe_client):
    token = stripe_client.v1.tokens.create({"bank_account": {**{k: v for k, v in US_BANK.items() if k != "object"},
                                                      "account_holder_name": "Jenny Rosen",
                                                      "account_holder_type": "individual"}})
    assert token.id.startswith("btok_") and token.type == "bank_account" and token.used is False
    assert token.bank_account.last4 == "6789" and "account_number" not in token.bank_account
    acct = custom(stripe_client, external_account=token.id)
    assert acct.external_accounts.data[0].id == token.bank_account.id
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.external_accounts.create(acct.id, {"external_account": token.id})
    assert exc.value.code == "token_already_used"


def test_account_and_person_tokens(fake, stripe_client):
    token = stripe_client.v1.tokens.create({"account": {"business_type": "individual", "individual": INDIVIDUAL,
                                                 "tos_shown_and_accepted": True}})
    assert token.id.startswith("ct_") and token.type == "account"
    assert "9876" not in json.dumps(fake.state)
    acct = stripe_client.v1.accounts.create({"type": "custom", "capabilities": CAPS, "account_token": token.id})
    assert acct.individual.first_name == "Jenny" and acct.individual.ssn_last_4_provided is True
    assert acct.tos_acceptance.date == fake.now()
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.update(acct.id, {"account_token": "ct_missing", "email": "e@example.com"})
    assert exc.value.param == "account_token"
    company = custom(stripe_client, business_type="company")
    ptoken = stripe_client.v1.tokens.create({"person": {"first_name": "Pat", "relationship": {"owner": True}}})
    assert ptoken.id.startswith("cpt_")
    person = stripe_client.v1.accounts.persons.create(company.id, {"person_token": ptoken.id})
    assert person.first_name == "Pat" and person.relationship.owner is True
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.tokens.create({"person": {"dob": {"day": "40"}}})
    assert exc.value.param == "person[dob][day]"


def test_card_tokens(fake, stripe_client):
    token = stripe_client.v1.tokens.create({"card": {"number": "4000000000000002", "exp_month": "12", "exp_year": "2099",
                                              "cvc": "123"}})
    assert token.card.last4 == "0002" and token.card.brand == "Visa" and token.card.funding == "credit"
    # The test number's behaviour travels with the token: charging it is declined.
    with pytest.raises(stripe.CardError) as declined:
        stripe_client.v1.charges.create({"amount": 1000, "currency": "usd", "source": token.id})
    assert declined.value.code == "card_declined" and declined.value.error.decline_code == "generic_decline"
    assert "4000000000000002" not in json.dumps(fake.state) + repr(fake.requests)
    with pytest.raises(stripe.CardError) as exc:
        stripe_client.v1.tokens.create({"card": {"number": "4242424242424241", "exp_month": "12", "exp_year": "2099"}})
    assert exc.value.code == "incorrect_number"


# ---- account links and login links -----------------------------------------------------------


def test_account_link_onboards_an_express_account(fake, stripe_client):
    acct = stripe_client.v1.accounts.create({"type": "express", "capabilities": CAPS})
    assert acct.details_submitted is False and acct.charges_enabled is False
    link = stripe_client.v1.account_links.create({"account": acct.id, "type": "account_onboarding",
                                           "refresh_url": "https://m.example/refresh",
                                           "return_url": "https://m.example/return"})
    assert link.object == "account_link" and link.expires_at > link.created
    assert link.url.startswith("https://connect.stripe.test/account_link/")
    assert fake.visit_account_link(link.url) == "https://m.example/return"
    done = stripe_client.v1.accounts.retrieve(acct.id)
    assert done.details_submitted is True and done.charges_enabled is True and done.payouts_enabled is True
    assert done.external_accounts.data[0].object == "bank_account"
    assert fake.visit_account_link(link.url) == "https://m.example/refresh"  # single use
    login = stripe_client.v1.accounts.login_links.create(acct.id)
    assert login.object == "login_link" and acct.id in login.url


def test_expired_account_link_sends_to_refresh_url(fake, stripe_client):
    acct = stripe_client.v1.accounts.create({"type": "express", "capabilities": CAPS})
    link = stripe_client.v1.account_links.create({"account": acct.id, "type": "account_onboarding",
                                           "refresh_url": "https://m.example/refresh",
                                           "return_url": "https://m.example/return"})
    fake.advance(301)
    assert fake.visit_account_link(link.url.rsplit("/", 1)[1]) == "https://m.example/refresh"
    assert stripe_client.v1.accounts.retrieve(acct.id).details_submitted is False


@pytest.mark.parametrize("params, param", [
    ({"type": "account_onboarding", "refresh_url": "https://a.example/r"}, "return_url"),
    ({"type": "account_onboarding", "refresh_url": "ftp://a/r", "return_url": "https://a.example/x"}, "refresh_url"),
    ({"type": "account_takeover", "refresh_url": "https://a.example/r", "return_url": "https://a.example/x"}, "type"),
])
def test_invalid_account_links(stripe_client, params, param):
    acct = custom(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.account_links.create({"account": acct.id, **params})
    assert exc.value.param == param


def test_login_links_are_for_express_accounts_only(stripe_client):
    acct = custom(stripe_client)
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.accounts.login_links.create(acct.id)


def test_complete_onboarding_fills_a_custom_account(fake, stripe_client):
    acct = custom(stripe_client)
    fake.complete_onboarding(acct.id)
    done = stripe_client.v1.accounts.retrieve(acct.id)
    assert done.requirements.currently_due == [] and done.charges_enabled is True
    assert done.details_submitted is True


# ---- files ---------------------------------------------------------------------------------------


def test_file_upload_keeps_only_size_type_and_purpose(fake, stripe_client):
    acct = custom(stripe_client)
    upload = stripe_client.v1.files.create({"purpose": "identity_document", "file": pdf("passport.pdf")},
                                    {"stripe_account": acct.id})
    assert upload.id.startswith("file_") and upload.type == "pdf" and upload.purpose == "identity_document"
    assert upload.size == len(b"%PDF-1.4 test document") and upload.filename == "passport.pdf"
    assert upload.url is None
    assert "test document" not in json.dumps(fake.state) + repr(fake.requests)
    assert stripe_client.v1.files.retrieve(upload.id, options={"stripe_account": acct.id}).size == upload.size
    assert [f.id for f in stripe_client.v1.files.list({"purpose": "identity_document"}, {"stripe_account": acct.id})] == [upload.id]


@pytest.mark.parametrize("params, param", [
    ({"purpose": "identity_document"}, "file"),
    ({"file": "PLACEHOLDER"}, "purpose"),
    ({"purpose": "identity_document", "file": io.BytesIO(b"plain text, not an image")}, "file"),
    ({"purpose": "selfie", "file": "PLACEHOLDER"}, "purpose"),
])
def test_invalid_uploads(stripe_client, params, param):
    params = {k: (pdf() if v == "PLACEHOLDER" else v) for k, v in params.items()}
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.files.create(params)
    assert exc.value.param == param


def test_oversized_upload_is_rejected(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.files.create({"purpose": "identity_document", "file": pdf(size=10 * 1024 * 1024 + 1)})
    assert exc.value.param == "file" and "exceeds" in exc.value.user_message


def test_unknown_file_in_verification_document(stripe_client):
    acct = custom(stripe_client)
    with pytest.raises(stripe.InvalidRequestError) as exc:
        stripe_client.v1.accounts.update(acct.id, {"individual": {"verification": {"document": {"front": "file_nope"}}}})
    assert exc.value.param == "individual[verification][document][front]"


# ---- OAuth (standard accounts) -----------------------------------------------------------------------


def test_oauth_connects_a_standard_account(fake, stripe_client):
    code = fake.oauth_code(email="owner@example.com")
    token = stripe_client.oauth.token({"grant_type": "authorization_code", "code": code})
    assert token.token_type == "bearer" and token.scope == "read_write" and token.livemode is False
    assert token.access_token.startswith("sk_test_") and token.stripe_publishable_key.startswith("pk_test_")
    acct = stripe_client.v1.accounts.retrieve(token.stripe_user_id)
    assert acct.type == "standard" and acct.email == "owner@example.com" and acct.charges_enabled is True
    with pytest.raises(stripe.oauth_error.InvalidGrantError):
        stripe_client.oauth.token({"grant_type": "authorization_code", "code": code})
    with pytest.raises(stripe.oauth_error.InvalidGrantError) as exc:
        stripe_client.oauth.token({"grant_type": "authorization_code", "code": "ac_bogus"})
    assert "ac_bogus" in exc.value.user_message
    refreshed = stripe_client.oauth.token({"grant_type": "refresh_token", "refresh_token": token.refresh_token})
    assert refreshed.stripe_user_id == acct.id


def test_oauth_deauthorize_revokes_access(fake, stripe_client):
    acct_id = stripe_client.oauth.token({"grant_type": "authorization_code", "code": fake.oauth_code()}).stripe_user_id
    result = stripe_client.oauth.deauthorize({"client_id": fake.client_id(), "stripe_user_id": acct_id})
    assert result.stripe_user_id == acct_id
    event = fake.events[-1]
    assert event["type"] == "account.application.deauthorized" and event["account"] == acct_id
    assert event["data"]["object"]["object"] == "application"
    with pytest.raises(stripe.PermissionError):
        stripe_client.v1.events.list({}, {"stripe_account": acct_id})
    with pytest.raises(stripe.oauth_error.InvalidClientError):
        stripe_client.oauth.deauthorize({"client_id": fake.client_id(), "stripe_user_id": acct_id})


def test_deauthorize_helper(fake, stripe_client):
    acct = stripe_client.v1.accounts.create({"type": "standard"})
    event = fake.deauthorize(acct.id)
    assert event["type"] == "account.application.deauthorized" and event["account"] == acct.id
    assert acct.id not in [a.id for a in stripe_client.v1.accounts.list().data]
