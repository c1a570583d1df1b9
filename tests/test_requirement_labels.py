"""pinax_connect.requirement_labels: Stripe's requirement paths as words, groups and sentences."""
import datetime

import pytest
from django.template import Context, Template

from pinax_connect import requirement_labels as rl
from pinax_connect.models import Account

# Paths Stripe asks for (from its docs and the fake's requirement sequences).
KNOWN = [
    "business_type", "business_profile.mcc", "business_profile.url", "business_profile.product_description",
    "company.name", "company.address.city", "company.phone", "company.tax_id", "company.owners_provided",
    "company.directors_provided", "company.executives_provided", "company.verification.document",
    "external_account", "tos_acceptance.date", "tos_acceptance.ip",
    "individual.first_name", "individual.last_name", "individual.dob.day", "individual.dob.month",
    "individual.dob.year", "individual.email", "individual.phone", "individual.address.line1",
    "individual.address.postal_code", "individual.ssn_last_4", "individual.id_number",
    "individual.verification.document", "individual.verification.additional_document",
    "representative.first_name", "representative.address.city", "representative.relationship.title",
    "representative.dob.day", "owners.first_name", "owners.last_name", "directors.first_name",
    "executives.email", "person_1AbcXYZ.verification.document", "person_1AbcXYZ.id_number",
]


@pytest.mark.parametrize("path", KNOWN)
def test_every_known_path_has_a_label_that_is_not_the_path(path):
    label = rl.label(path)
    assert label and "." not in label and "_" not in label, label


def test_sub_fields_collapse_and_groups_follow_the_issue():
    items = rl.describe(["individual.dob.day", "individual.dob.month", "individual.dob.year",
                         "tos_acceptance.date", "tos_acceptance.ip", "external_account",
                         "individual.verification.document", "business_type"])
    assert [(i.group, str(i.label)) for i in items] == [
        ("about_you", "Date of birth"), ("business", "Type of business"), ("bank", "Bank account for payouts"),
        ("documents", "Identity document"), ("terms", "Acceptance of Stripe's terms of service"),
    ]
    assert items[0].paths == ("individual.dob.day", "individual.dob.month", "individual.dob.year")
    assert [str(h) for h, _ in rl.grouped(["owners.first_name", "individual.email"])] == ["About you", "Your business"]
    assert rl.label("representative.address.city") == "Representative: home address"
    assert rl.label("owners.first_name") == "Owners: first name"


@pytest.mark.parametrize("path", ["individual.shoe_size", "company.new_thing.sub_field", "brand_new_requirement",
                                  "person_9.x", "", None, 42, "....", "external_account.bank_account.future"])
def test_unknown_paths_get_a_readable_fallback(path):
    label = rl.label(path)
    assert label and "_" not in label and "." not in label


def test_deadline_sentence_has_one_full_stop():
    when = datetime.datetime(2026, 12, 9, 11, 0, tzinfo=datetime.timezone.utc)
    sentence = rl.deadline_sentence(when)
    assert "9 December 2026" in sentence and sentence.endswith(".") and ".." not in sentence
    assert rl.deadline_sentence(int(when.timestamp())) == sentence
    assert rl.deadline_sentence(None) == ""


def test_errors_and_disabled_reasons_become_sentences():
    sentences = rl.error_sentences({"errors": [
        {"code": "verification_document_expired", "reason": "The document is expired.",
         "requirement": "individual.verification.document"},
        {"code": "some_future_code", "reason": "Stripe's own words.", "requirement": "company.tax_id"},
        "garbage",
    ]})
    assert sentences == ["Identity document: the document has expired.", "Tax ID of the business: Stripe's own words."]
    assert rl.disabled_sentence("requirements.past_due").startswith("Stripe has paused")
    assert rl.disabled_sentence("something_new") and rl.disabled_sentence("") == ""


@pytest.mark.django_db
def test_template_tag_renders_groups_deadline_and_errors():
    account = Account(
        stripe_id="acct_labels", verification_fields_needed=["individual.id_number", "external_account"],
        verification_due_by=datetime.datetime(2026, 12, 9, tzinfo=datetime.timezone.utc),
        requirements={"errors": [{"code": "invalid_url_format", "reason": "x", "requirement": "business_profile.url"}]},
    )
    html = Template("{% load pinax_connect_requirements %}{% account_requirements account %}"
                    "{{ 'tos_acceptance.date'|requirement_label }}").render(Context({"account": account}))
    assert "About you" in html and "ID number" in html and "Your bank" in html
    assert "9 December 2026, or payments" in html and "Website: the website address is not valid." in html
    assert "individual.id_number" not in html and "Acceptance of Stripe&#x27;s terms of service" in html


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {"type": "express", "country": "US"},
    {"type": "custom", "country": "US", "business_type": "individual"},
    {"type": "custom", "country": "US", "business_type": "company"},
    {"type": "custom", "country": "DE", "business_type": "individual"},
])
def test_every_path_the_fake_asks_for_has_words(fake_stripe, params):
    from pinax_connect.client import get_client

    caps = {"card_payments": {"requested": True}, "transfers": {"requested": True}}
    account = get_client().v1.accounts.create({**params, "capabilities": caps})
    requirements = account.to_dict()["requirements"]
    paths = set(requirements["currently_due"]) | set(requirements["eventually_due"])
    assert paths
    assert sorted(p for p in paths if not rl.known(p)) == []


def test_every_path_the_forms_know_has_words():
    from pinax_connect.forms import inventory

    paths = inventory.inventory_paths()
    assert len(paths) > 200
    assert sorted(p for p in paths if not rl.known(p)) == []
    assert rl.label("owners.documents.passport.files") == "Owners: passport"
    assert rl.label("documents.bank_account_ownership_verification.files") == rl.label("documents")
