"""Admin: the dispute list (deadline, status, Dashboard link), accept and sync actions behind the change permission."""
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from pinax_connect.models import Dispute, DisputeRecovery, EarlyFraudWarning

CHANGELIST = "admin:pinax_connect_dispute_changelist"


@pytest.fixture
def dispute(fake_stripe, direct_sale, mark, deliver):
    since = mark()
    direct_sale()
    deliver(since())
    return Dispute.objects.get()


def test_the_list_shows_deadline_status_and_dashboard_link(admin_client, dispute, custom_account):
    page = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert dispute.evidence_due_by.strftime("%Y-%m-%d %H:%M") in page
    assert "needs_response" in page
    assert f"https://dashboard.stripe.com/{custom_account.stripe_id}/test/disputes/{dispute.stripe_id}" in page
    assert admin_client.get(reverse("admin:pinax_connect_dispute_change", args=[dispute.pk])).status_code == 200


def test_accept_action_closes_the_dispute(admin_client, dispute):
    response = admin_client.post(reverse(CHANGELIST), {"action": "accept_disputes", "_selected_action": [dispute.pk]})

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "lost"


def test_actions_need_the_change_permission(client, django_user_model, dispute):
    staff = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_dispute"))
    client.force_login(staff)

    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    assert "accept_disputes" not in page.content.decode()
    client.post(reverse(CHANGELIST), {"action": "accept_disputes", "_selected_action": [dispute.pk]})
    dispute.refresh_from_db()
    assert dispute.status == "needs_response"


def test_sync_action_and_other_lists_render(admin_client, fake_stripe, dispute, custom_account, settings,
                                            destination_sale, mark, deliver):
    fake_stripe.get(dispute.stripe_id, custom_account.stripe_id, "dispute")["status"] = "under_review"
    admin_client.post(reverse(CHANGELIST), {"action": "sync_disputes", "_selected_action": [dispute.pk]})
    dispute.refresh_from_db()
    assert dispute.status == "under_review"

    settings.PINAX_CONNECT_DISPUTE_RECOVERY = "reverse_transfer"
    since = mark()
    destination_sale()
    destination_sale("tok_createIssuerFraudRecord")
    deliver(since())
    assert DisputeRecovery.objects.exists() and EarlyFraudWarning.objects.exists()
    for name in ("disputerecovery", "earlyfraudwarning"):
        assert admin_client.get(reverse(f"admin:pinax_connect_{name}_changelist")).status_code == 200
