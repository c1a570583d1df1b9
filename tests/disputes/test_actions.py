"""actions.disputes: evidence (text and files), submission, acceptance, on the right account."""
import io

import pytest

from pinax_connect.actions import disputes
from pinax_connect.exceptions import InvalidRequest
from pinax_connect.models import Dispute

PDF = b"%PDF-1.4 a receipt"
PNG = b"\x89PNG\r\n\x1a\n an image"


@pytest.fixture(params=["destination", "direct"])
def dispute(request, fake_stripe, destination_sale, direct_sale, custom_account):
    """A mirrored, open chargeback on a destination or a direct charge."""
    charge = (destination_sale if request.param == "destination" else direct_sale)()
    return disputes.dispute_of(charge)


def requests_to(fake, path_prefix):
    return [r for r in fake.requests if r.path.startswith(path_prefix) and r.method == "POST"]


def test_stage_evidence_with_text_and_files(fake_stripe, dispute):
    receipt = io.BytesIO(PDF)
    receipt.name = "receipt.pdf"

    staged = disputes.update_evidence(
        dispute, {"product_description": "A blue teapot", "customer_email_address": "buyer@example.com"},
        files={"receipt": receipt, "shipping_documentation": io.BytesIO(PNG)},
    )

    scope = dispute.stripe_account.stripe_id if dispute.stripe_account else None
    uploads = requests_to(fake_stripe, "/v1/files")
    assert [(r.params["purpose"], r.account) for r in uploads] == [("dispute_evidence", scope)] * 2
    (update,) = requests_to(fake_stripe, "/v1/disputes/")
    assert update.account == scope and update.idempotency_key
    assert update.params["submit"] == "false"
    on_stripe = fake_stripe.get(dispute.stripe_id, scope, "dispute")
    files = fake_stripe.all("file", scope)
    assert on_stripe["evidence"]["receipt"] == files[0]["id"] and files[0]["filename"] == "receipt.pdf"
    assert on_stripe["evidence"]["shipping_documentation"] == files[1]["id"]
    assert on_stripe["evidence"]["product_description"] == "A blue teapot"
    assert (staged.status, staged.has_evidence, staged.submission_count) == ("needs_response", True, 0)
    assert staged.stripe_data["evidence"]["receipt"] == files[0]["id"]


def test_submit_with_a_file_id_and_winning_evidence(fake_stripe, dispute):
    scope = dispute.stripe_account.stripe_id if dispute.stripe_account else None
    file_id = disputes.upload_evidence_file(io.BytesIO(PDF), stripe_account=dispute.stripe_account)

    won = disputes.submit(dispute, {"uncategorized_text": "winning_evidence"}, files={"uncategorized_file": file_id})

    assert (won.status, won.submission_count) == ("won", 1)
    assert fake_stripe.get(dispute.stripe_id, scope, "dispute")["evidence"]["uncategorized_file"] == file_id
    with pytest.raises(InvalidRequest, match="no longer takes evidence"):
        disputes.submit(won, {"uncategorized_text": "again"})


def test_accept_closes_the_dispute_as_lost(fake_stripe, dispute):
    accepted = disputes.accept(dispute)

    assert accepted.status == "lost" and Dispute.objects.get(pk=dispute.pk).status == "lost"
    (close,) = requests_to(fake_stripe, "/v1/disputes/")
    assert close.path.endswith("/close") and close.idempotency_key
    assert close.account == (dispute.stripe_account.stripe_id if dispute.stripe_account else None)


def test_a_repeated_update_reuses_its_idempotency_key(fake_stripe, dispute):
    disputes.update_evidence(dispute, {"customer_name": "Jenny Rosen"})
    disputes.update_evidence(dispute, {"customer_name": "Jenny Rosen"})
    first, second = requests_to(fake_stripe, "/v1/disputes/")
    assert first.idempotency_key == second.idempotency_key
    disputes.update_evidence(dispute, {"customer_name": "Jenny R."})
    assert requests_to(fake_stripe, "/v1/disputes/")[-1].idempotency_key != first.idempotency_key


def test_invalid_evidence_is_refused_before_calling_stripe(fake_stripe, dispute):
    before = len(fake_stripe.requests)
    with pytest.raises(InvalidRequest, match="Unknown evidence field"):
        disputes.update_evidence(dispute, {"favourite_colour": "blue"})
    with pytest.raises(InvalidRequest, match="takes a file"):
        disputes.update_evidence(dispute, {"receipt": "see attached"})
    with pytest.raises(InvalidRequest, match="longer than 5000"):
        disputes.update_evidence(dispute, {"customer_name": "x" * 5001})
    with pytest.raises(InvalidRequest, match="not a file field"):
        disputes.update_evidence(dispute, files={"customer_name": io.BytesIO(PDF)})
    with pytest.raises(InvalidRequest, match="Nothing to update"):
        disputes.update_evidence(dispute)
    assert len(fake_stripe.requests) == before


def test_a_stale_mirror_is_read_again_before_refusing(fake_stripe, dispute):
    Dispute.objects.filter(pk=dispute.pk).update(status="lost")  # a mirror that lags Stripe
    dispute.refresh_from_db()

    staged = disputes.update_evidence(dispute, {"customer_name": "Jenny Rosen"})

    assert staged.status == "needs_response"


def test_dispute_of_reads_the_list_when_nothing_is_mirrored(fake_stripe, destination_sale):
    charge = destination_sale()
    assert not Dispute.objects.exists()
    found = disputes.dispute_of(charge)
    assert found.charge == charge
    assert disputes.dispute_of(destination_sale("tok_visa")) is None
