"""17.3: the company wizard sends no "more information needed" email about what was just entered."""
from django.core import mail
from django.urls import reverse

from pinax_connect.models import Account

from .helpers import user

COMPANY = {
    "business_type": {"business_type": "company", "business_profile__mcc": "5734",
                      "business_profile__url": "https://pottery.example.com"},
    "person": {"company__name": "Rosen Pottery LLC", "company__phone": "+14155550100",
               "representative__first_name": "Jenny", "representative__last_name": "Rosen",
               "representative__dob": "1990-01-15", "representative__email": "ceo@example.com",
               "representative__phone": "+14155550101", "representative__relationship__title": "CEO"},
    "address": {"company__address__line1": "1 Main St", "company__address__city": "Austin",
                "company__address__state": "TX", "company__address__postal_code": "73301",
                "representative__address__line1": "2 Main St", "representative__address__city": "Austin",
                "representative__address__state": "TX", "representative__address__postal_code": "73301"},
    "ownership": {"representative__relationship__owner": "on", "representative__relationship__executive": "on",
                  "company__owners_provided": "on", "company__ownership_declaration": "on"},
}


def test_company_wizard_sends_no_false_more_information_email(fake, client):
    seller = user("potter")
    client.force_login(seller)
    response = client.get(reverse("shop:custom_wizard"))
    prefix = response.context["view"].get_prefix(response.wsgi_request)
    url = reverse("shop:custom_wizard")
    last = None
    for step, data in COMPANY.items():
        response = client.post(url, {f"{prefix}-current_step": step, **{f"{step}-{k}": v for k, v in data.items()}})
        assert response.status_code == 200
        last = response.context["wizard"]["form"]
    fields = list(last.fields)
    answers = {"company__tax_id": "000000000", "representative__ssn_last_4": "0000",
               "representative__id_number": "000000000",
               "external_account__routing_number": "110000000", "external_account__account_number": "000123456789",
               "external_account__account_holder_name": "Rosen Pottery", "tos_acceptance": "on"}
    for name in fields:
        if name.startswith("owners") or name.startswith("company__owners") or name.endswith("_provided"):
            answers.setdefault(name, "on")
    payload = {f"{prefix}-current_step": "verification",
               **{f"verification-{k}": v for k, v in answers.items() if k in fields}}
    response = client.post(url, payload)
    assert response.status_code == 302, (fields, response.context and response.context["wizard"]["form"].errors)
    account = Account.objects.get(user=seller)
    from pinax_connect.requirement_labels import label

    entered = {label(path.replace("__", ".")) for step in COMPANY.values() for path in step} - {
        label(path) for path in account.verification_fields_needed}
    for message in mail.outbox:
        assert not [p for p in entered if p in message.body], message.body  # nothing just typed
        # Only what the dashboard lists as needed.
        assert set(message.body.split(": ", 1)[1].split(". Please")[0].split(", ")) <= {
            label(path) for path in account.verification_fields_needed}


def test_sellers_are_mailed_once_when_stripe_asks_for_more(fake, client):
    from .helpers import ready_seller

    seller, account = ready_seller()
    client.force_login(seller)
    mail.outbox.clear()
    client.post(reverse("fakestripe:raise_requirements"))
    assert len(mail.outbox) == 1 and "Stripe asks for: ID number." in mail.outbox[0].body
