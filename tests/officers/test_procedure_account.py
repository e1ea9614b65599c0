"""An officer proposes their procedure-system account; HR of their unit confirms or rejects it."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from officers import procedure_accounts, roles
from officers.models import Officer
from tests.factories import PASSWORD, OfficerFactory, logged_in, officer_with_role, unit

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def propose(client, account):
    return client.post(PROFILE, {"account": account})


@pytest.fixture
def officer(learner):
    """A learner of Xã Na Sang (03172)."""
    return learner.officer


@pytest.fixture
def officer_client(client, learner):
    return logged_in(client, learner, "en")


def pending(officer):
    officer.refresh_from_db()
    return officer.procedure_account_requested


# --- the officer ------------------------------------------------------------------------------


def test_the_profile_offers_a_form_to_propose_an_account(officer_client, officer):
    page = officer_client.get(PROFILE).content.decode()
    assert 'name="account"' in page
    assert "not linked yet" in page


def test_an_officer_proposes_an_account_that_waits_for_hr(officer_client, officer):
    response = propose(officer_client, "  lvc.nasang  ")
    assert response.status_code == 302
    assert pending(officer) == "lvc.nasang"
    assert officer.procedure_account == ""
    page = officer_client.get(PROFILE).content.decode()
    assert "data-account-pending" in page
    assert "lvc.nasang" in page
    assert 'name="account"' not in page  # one request at a time
    entry = ModelLogEntry.objects.for_instance(officer).get(action=procedure_accounts.REQUESTED)
    assert entry.data == {"account": "lvc.nasang"}
    assert entry.user_id == officer.user_id


def test_an_officer_withdraws_the_request(officer_client, officer):
    propose(officer_client, "lvc.nasang")
    assert officer_client.post(PROFILE, {"withdraw": "1"}).status_code == 302
    assert pending(officer) == ""
    assert 'name="account"' in officer_client.get(PROFILE).content.decode()


def test_an_account_linked_to_another_officer_is_refused(officer_client, officer):
    # Set by HR, in the form or an import: that counts as confirmed.
    OfficerFactory(unit=unit("03181"), procedure_account="gac.muongtung")
    response = propose(officer_client, "gac.muongtung")
    assert response.status_code == 200
    assert "already linked to another officer" in response.content.decode()
    assert pending(officer) == ""


def test_another_officers_pending_request_does_not_block(officer_client, officer):
    OfficerFactory(unit=unit("03181"), procedure_account_requested="shared.name")
    assert propose(officer_client, "shared.name").status_code == 302
    assert pending(officer) == "shared.name"


@pytest.mark.parametrize(
    ("account", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_an_empty_or_too_long_account_is_refused(officer_client, officer, account, message):
    response = propose(officer_client, account)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert pending(officer) == ""


def test_the_account_already_linked_to_oneself_is_refused(officer_client, officer):
    Officer.objects.filter(pk=officer.pk).update(procedure_account="lvc.nasang")
    response = propose(officer_client, "lvc.nasang")
    assert "already linked to your profile" in response.content.decode()
    assert pending(officer) == ""


def test_a_user_without_an_officer_profile_cannot_post(client, django_user_model):
    user = django_user_model.objects.create_user("khach", password=PASSWORD)
    logged_in(client, user, "en")
    response = propose(client, "khach")
    assert response.status_code == 200
    assert "no officer profile" in response.content.decode()


# --- HR ---------------------------------------------------------------------------------------


@pytest.fixture
def requests(dien_bien):
    """Officers of Na Sang and Mường Tùng, each with an account awaiting confirmation."""
    na_sang = OfficerFactory(
        full_name="Lò Văn Pánh", unit=unit("03172"), procedure_account_requested="pank.ns"
    )
    muong_tung = OfficerFactory(
        full_name="Giàng A Chứ", unit=unit("03181"), procedure_account_requested="chu.mt"
    )
    OfficerFactory(full_name="Không Chờ", unit=unit("03172"))
    return {"na_sang": na_sang, "muong_tung": muong_tung}


def confirm(client, officer, account):
    return client.post(
        reverse("procedure_account_confirm", args=[officer.pk]), {"account": account}
    )


def reject(client, officer, account, reason=""):
    return client.post(
        reverse("procedure_account_reject", args=[officer.pk]),
        {"account": account, "reason": reason},
    )


def test_hr_lists_only_requests_in_their_area(client, hr_na_sang, requests):
    page = logged_in(client, hr_na_sang, "en").get(reverse("procedure_accounts_pending"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Lò Văn Pánh" in text and "pank.ns" in text
    assert "Giàng A Chứ" not in text and "chu.mt" not in text
    assert "Không Chờ" not in text


def test_provincial_hr_lists_requests_of_every_commune(client, hr_province, requests):
    text = logged_in(client, hr_province, "en").get(reverse("procedure_accounts_pending")).content
    assert "pank.ns" in text.decode() and "chu.mt" in text.decode()


def test_a_learner_cannot_open_the_list(client, learner, requests):
    response = logged_in(client, learner, "en").get(reverse("procedure_accounts_pending"))
    assert response.status_code in (302, 403)


def test_hr_confirms_an_account(client, hr_na_sang, requests):
    officer = requests["na_sang"]
    response = confirm(logged_in(client, hr_na_sang, "en"), officer, "pank.ns")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.procedure_account == "pank.ns"
    assert officer.procedure_account_requested == ""
    entry = ModelLogEntry.objects.for_instance(officer).get(action=procedure_accounts.CONFIRMED)
    assert entry.user_id == hr_na_sang.pk
    listing = client.get(reverse("procedure_accounts_pending")).content.decode()
    assert "is now the procedure-system account of Lò Văn Pánh" in listing
    assert f'data-officer="{officer.pk}"' not in listing


def test_hr_cannot_decide_outside_their_area(client, hr_na_sang, requests):
    officer = requests["muong_tung"]
    logged_in(client, hr_na_sang, "en")
    assert confirm(client, officer, "chu.mt").status_code == 404
    assert reject(client, officer, "chu.mt").status_code == 404
    officer.refresh_from_db()
    assert (officer.procedure_account, officer.procedure_account_requested) == ("", "chu.mt")


def test_hr_cannot_confirm_for_an_administrator(client, hr_province, dien_bien):
    admin_officer = officer_with_role(
        roles.ADMINISTRATOR, "03172", procedure_account_requested="admin.ns"
    )
    assert (
        confirm(logged_in(client, hr_province, "en"), admin_officer, "admin.ns").status_code == 404
    )
    admin_officer.refresh_from_db()
    assert admin_officer.procedure_account == ""


def test_a_request_changed_since_the_list_was_shown_is_not_confirmed(client, hr_na_sang, requests):
    officer = requests["na_sang"]
    Officer.objects.filter(pk=officer.pk).update(procedure_account_requested="pank.other")
    response = confirm(logged_in(client, hr_na_sang, "en"), officer, "pank.ns")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.procedure_account == ""
    assert officer.procedure_account_requested == "pank.other"
    page = client.get(reverse("procedure_accounts_pending")).content.decode()
    assert "changed or withdrawn the request" in page


def test_an_account_taken_meanwhile_is_not_confirmed(client, hr_province, requests):
    # An import gave the account to another officer after the request was made.
    OfficerFactory(unit=unit("03181"), procedure_account="pank.ns")
    officer = requests["na_sang"]
    confirm(logged_in(client, hr_province, "en"), officer, "pank.ns")
    officer.refresh_from_db()
    assert officer.procedure_account == ""
    assert officer.procedure_account_requested == "pank.ns"
    assert (
        "already linked to another officer"
        in client.get(reverse("procedure_accounts_pending")).content.decode()
    )


def test_the_officer_sees_why_hr_rejected_the_account(client, hr_na_sang, requests):
    officer = requests["na_sang"]
    logged_in(client, hr_na_sang, "en")
    response = reject(client, officer, "pank.ns", "Sai tên: dùng pank.nasang")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.procedure_account, officer.procedure_account_requested) == ("", "")

    client.logout()
    page = logged_in(client, officer.user, "en").get(PROFILE).content.decode()
    assert "data-account-rejected" in page
    assert "pank.ns" in page
    assert "Sai tên: dùng pank.nasang" in page
    assert 'name="account"' in page

    # A new request replaces the notice.
    propose(client, "pank.nasang")
    page = client.get(PROFILE).content.decode()
    assert "data-account-rejected" not in page
    assert "data-account-pending" in page


def test_a_confirmed_account_reaches_the_officers_profile(client, hr_na_sang, requests):
    officer = requests["na_sang"]
    confirm(logged_in(client, hr_na_sang, "en"), officer, "pank.ns")
    client.logout()
    page = logged_in(client, officer.user, "en").get(PROFILE).content.decode()
    assert "pank.ns" in page
    assert "data-account-pending" not in page
    assert "data-account-rejected" not in page
