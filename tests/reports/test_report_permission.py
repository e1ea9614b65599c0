"""The reports have a permission of their own (reports.view_reports), held by HR and
administrators; the right to view officer records no longer opens them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from officers import roles
from reports import queries
from reports.models import SEE_REPORTS
from tests.factories import officer_with_role

from .conftest import client_for
from .test_coverage import refused

PAGES = [
    "reports:coverage",
    "reports:coverage_results",
    "reports:certification",
    "reports:certification_results",
    "reports:assessments",
    "reports:assessments_results",
    "reports:competency",
    "reports:competency_csv",
    "reports:competency_xlsx",
    "reports:officer_search",
    "reports:history",
    "reports:history_csv",
    "reports:history_xlsx",
]


def officer_pages(officer):
    return [
        reverse(name, args=[officer.pk]) for name in ("reports:officer", "reports:officer_xlsx")
    ]


def all_pages(officer):
    return [reverse(name) for name in PAGES] + officer_pages(officer)


@pytest.mark.parametrize("role", [roles.HR, roles.ADMINISTRATOR])
def test_hr_and_administrators_hold_the_report_permission(dien_bien, role):
    user = officer_with_role(role, "03172", username="nguoidung").user
    assert user.has_perm(SEE_REPORTS)


@pytest.mark.parametrize("role", [roles.LEARNER, roles.TRAINER, roles.REVIEWER])
def test_other_roles_do_not(dien_bien, role):
    user = officer_with_role(role, "03172", username="nguoidung").user
    assert not user.has_perm(SEE_REPORTS)


def test_viewing_officers_without_the_report_permission_opens_no_report(record, hr_na_sang):
    Group.objects.get(name=roles.HR).permissions.remove(
        Permission.objects.get(content_type__app_label="reports", codename="view_reports")
    )
    hr = type(hr_na_sang).objects.get(pk=hr_na_sang.pk)
    assert hr.has_perm("officers.view_officer")

    client = client_for(hr)
    for url in all_pages(hr.officer):
        assert refused(client.get(url)), url
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("reports:coverage") not in home
    assert reverse("reports:competency") not in home
    with pytest.raises(queries.PermissionDenied):
        queries.scope_of(hr)


SCREENS = [
    "reports:coverage",
    "reports:certification",
    "reports:assessments",
    "reports:competency",
    "reports:officer_search",
    "reports:history",
]


def test_the_report_permission_opens_the_report_screens_to_hr(record, hr_na_sang):
    client = client_for(hr_na_sang)
    officer = reverse("reports:officer", args=[hr_na_sang.officer.pk])
    for url in [reverse(name) for name in SCREENS] + [officer]:
        assert client.get(url).status_code == 200, url
