"""The requirement-path inventory: every path has a field, or a documented reason to be
hosted; docs/forms.md publishes it."""
import pathlib
import re

import pytest
from django.test import RequestFactory

from pinax_connect.forms import fields as registry
from pinax_connect.forms.inventory import inventory

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "forms.md"
PERSON = re.compile(r"^(individual|representative|owners|directors|executives|person_xxx)\.")


def published_rows(business_type="company"):
    """The inventory as docs/forms.md shows it: one row per path, person scopes folded."""
    ctx = registry.Context(country="US", request=RequestFactory().post("/"), business_type=business_type)
    rows = {}
    for path, how, detail in inventory(ctx):
        rows[PERSON.sub("<person>.", path)] = (how, detail)
    return rows


@pytest.mark.parametrize("business_type", ["individual", "company"])
def test_only_what_stripe_alone_collects_is_hosted(business_type):
    rows = published_rows(business_type)
    hosted = {path: detail for path, (how, detail) in rows.items() if how == "hosted"}
    assert hosted and all(detail != "no form field" for detail in hosted.values()), hosted
    assert set(hosted) == {"<person>.verification.proof_of_liveness", "legal_entity.additional_owners"}


def test_the_inventory_is_published_in_the_docs():
    text = DOCS.read_text(encoding="utf-8")
    for path, (how, detail) in published_rows().items():
        assert f"| `{path}` | {how} | {detail} |" in text, path
