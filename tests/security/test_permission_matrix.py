"""The permission matrix: every view and API endpoint of the project × every role × objects of
the role's own unit and of other units, asserting what is allowed and what is denied.

Each cell is one test, id'd "<url name>-<role>[-<place>]", e.g.
"reports:officer-hr_commune-muongtung": the report of an officer of Xã Mường Tùng, asked by the
HR officer of Xã Na Sang. Places (tests/security/world.py): "nasang" (A, the Learner's
commune, whose objects are the Learner's own), "muongtung" (B, another commune of the same
province), "laichau" (C, a commune of another province), "admin_officer" (the Administrator's
own officer record, which HR may see but never change).

Outcomes (tests/security/matrix.py): 200 / redirect (done, sent on) / login (the site's login
page) / admin_login (no access to the admin: its login page) / admin_home (Wagtail's
"permission denied": back to the dashboard with a message) / 403 / 404 / 405 / 401 (API) /
refused (a form answered again with its errors, nothing saved) / scoped (the row's success
within the role's reach, else 404: objects outside one's area do not exist for one).

Rows that change something (POST) carry a probe: denied or refused, what it reads must not
change; allowed, it must (so a probe that sees nothing cannot pass for a refusal). Rows that
list or export carry a marker per place: an answer must not show the markers of places
outside the role's reach, and must show those within it.

The expected outcomes come from reading each view; a cell where the platform does something
else is a real finding and is marked xfail(strict=True) with the reason, for the lead to fix.

Every cell runs against data built once for the module (world.build_world) inside a
transaction that is rolled back at the end; each test runs in its own savepoint, so a POST
that is allowed changes nothing the next cell sees.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate
from courses.models import Assignment
from officers.models import ActivationCode, Officer
from procedure_system.models import ApiClient, Delivery, Subscription

from .inventory import our_url_names
from .matrix import (
    ADMIN_HOME,
    ADMIN_LOGIN,
    ALLOWED,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    REFUSED,
    SCOPED,
    UNAUTHORIZED,
    Row,
    body_text,
    cases,
    expected,
    leaks,
    outcome_of,
    scoped,
    status_of,
    url_of,
)
from .world import (
    PLACES,
    REACH,
    ROLES,
    built_world,
    officer_name,
    requested_account,
    signed_in_clients,
)

# Short names, so that the table reads as one.
RE, LOG, ALOG, HOME = REDIRECT, LOGIN, ADMIN_LOGIN, ADMIN_HOME
F403, F404, F405, SC = FORBIDDEN, NOT_FOUND, NOT_ALLOWED, SCOPED
ABC = ("A", "B", "C")
ABC_ADM = ("A", "B", "C", "ADM")
# Ordinary officers (A, B, C) and the accounts with a staff role (world.STAFF_PLACES), which
# only an administrator may change, in HR's area or not.
ACCOUNTS = ("A", "B", "C", "TRN", "REV", "HRC", "HRP", "ADM")

# Columns: anonymous, learner, trainer, reviewer, hr_commune, hr_province, administrator,
# superuser (world.ROLES).
PUBLIC = (OK, OK, OK, OK, OK, OK, OK, OK)
SIGNED_IN = (LOG, OK, OK, OK, OK, OK, OK, OK)
# Learner pages need an officer profile: the superuser has none.
OFFICERS = (LOG, OK, OK, OK, OK, OK, OK, F403)
OFFICERS_POST = (LOG, RE, RE, RE, RE, RE, RE, F403)
# An officer's own quiz attempts and signing submissions: nobody else's exist for them.
OWN_ONLY = (LOG, SC, F404, F404, F404, F404, F404, F403)
# The admin: HR and administrators (officers, certificates, assignments, reports).
HR_ADMIN = (ALOG, ALOG, HOME, HOME, OK, OK, OK, OK)
# Objects of an area. Trainers and reviewers reach none: for them these objects do not exist
# (404), except where a view checks the permission before looking the object up (edit forms,
# revocation, confirmation), which sends them back to the dashboard.
HR_SCOPED = (ALOG, ALOG, F404, F404, SC, SC, OK, OK)
HR_SCOPED_PERMISSION_FIRST = (ALOG, ALOG, HOME, HOME, SC, SC, OK, OK)
HR_SCOPED_POST = (ALOG, ALOG, HOME, HOME, SC, SC, RE, RE)
# Deleting officers and assignments: administrators only. HR is refused their own area's
# objects, and finds no other.
ADMIN_DELETES = (ALOG, ALOG, F404, F404, scoped(HOME), scoped(HOME), OK, OK)
ADMIN_DELETES_POST = (ALOG, ALOG, F404, F404, scoped(HOME), scoped(HOME), RE, RE)
# The procedure-system link (API clients, outbox): administrators only.
ADMIN_ONLY = (ALOG, ALOG, HOME, HOME, HOME, HOME, OK, OK)
ADMIN_ONLY_POST = (ALOG, ALOG, HOME, HOME, HOME, HOME, RE, RE)
# The question bank and the marking queue: trainers and administrators.
TRAINERS = (ALOG, ALOG, OK, HOME, HOME, HOME, OK, OK)
TRAINERS_POST = (ALOG, ALOG, RE, HOME, HOME, HOME, RE, RE)
TASK_REVIEWERS = (ALOG, ALOG, HOME, OK, HOME, HOME, HOME, OK)
# Reviewed snippets (questions, quizzes, signing exercises): reviewers see, edit and publish
# them as well; they add and delete nothing.
REVIEWED = (ALOG, ALOG, OK, OK, HOME, HOME, OK, OK)
REVIEWED_ADDS = TRAINERS
# Question categories: reviewers see them (to review a quiz's draws) but change none.
CATEGORY_VIEWS = (ALOG, ALOG, OK, OK, HOME, HOME, OK, OK)
# Publishing, unpublishing, approving: reviewers and administrators, never trainers.
PUBLISHERS = (ALOG, ALOG, HOME, OK, HOME, HOME, OK, OK)
# Skill tags: no role holds their permissions; only a superuser edits them.
SUPERUSER_ONLY = (ALOG, ALOG, HOME, HOME, HOME, HOME, HOME, OK)
# Snippet choosers (a modal of the edit forms): Wagtail lets anyone with admin access list
# and pick; they show names only, never answers or personal data.
ADMIN_ACCESS = (ALOG, ALOG, OK, OK, OK, OK, OK, OK)


def officer(w, p):
    return w.staff_officers[p] if p in w.staff_officers else w.place(p).officer


def account_email(w, p):
    return (
        type(officer(w, p).user)
        .objects.values_list("email", flat=True)
        .get(pk=officer(w, p).user_id)
    )


def import_file(w, p):
    """A one-row import over the place's account. Staff accounts are put in Na Sang (A),
    inside every HR officer's area, so that only the account itself can be the refusal."""
    unit = w.place(p).unit if p in PLACES else w.place("A").unit
    content = (
        "ten_dang_nhap,ho_va_ten,ma_don_vi,email\n"
        f"{officer(w, p).user.username},Matrix Imported,{unit.code},matrix-import@example.vn\n"
    )
    return {"file": SimpleUploadedFile("can-bo.csv", content.encode(), "text/csv")}


def pk_of(getter, key="pk"):
    return lambda w, p: {key: getter(w, p).pk}


def place_attr(name):
    return lambda w, p: getattr(w.place(p), name)


def unit_query(w, p):
    return {"unit": w.place(p).unit.pk}


def csv_unit_query(w, p):
    return {"unit": w.place(p).unit.pk, "export": "csv"}


def audit_label(w, p):
    return w.place(p).audit_entry.object_label


def profile_form(instance):
    """The officer form as the edit page fills it in."""
    values = model_to_dict(instance, fields=Officer.PROFILE_FIELDS)
    return {name: value for name, value in values.items() if value is not None}


def assignment_data(w, **whom):
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    return {"course": w.course.pk, "deadline": deadline.isoformat(), **whom}


def old_unit_query(w, p):
    return {"old_unit": w.place(p).old_unit.pk}


def unit_name(w, p):
    return w.place(p).unit.name


def certificate_code(w, p):
    return w.place(p).certificate.code


def officer_state(w, p):
    return Officer.objects.filter(pk=officer(w, p).pk).values_list(
        "procedure_account", "procedure_account_requested"
    )[0]


def exists(model, getter):
    return lambda w, p: model.objects.filter(pk=getter(w, p).pk).exists()


def page_path(name):
    return lambda w, p: getattr(w, name).url


SITE_ROWS = [
    Row("my_profile", SIGNED_IN),
    Row(
        "my_profile",
        (LOG, RE, RE, RE, RE, RE, RE, OK),
        method="POST",
        data=lambda w, p: {"account": "matrix-new-account"},
    ),
    Row("my_courses", SIGNED_IN),
    # The activation page is public: a wrong code is refused and changes nothing.
    Row("activate_account", PUBLIC),
    Row(
        "activate_account",
        (REFUSED,) * 8,
        method="POST",
        data=lambda w, p: {
            "username": w.user("learner").username,
            "code": "AAAA-AAAA",
            "new_password1": "Matrix-new-Password-2026",
            "new_password2": "Matrix-new-Password-2026",
        },
        state=lambda w, p: type(w.user("learner")).objects.get(pk=w.user("learner").pk).password,
    ),
    Row("course_enrol", OFFICERS_POST, pk_of(lambda w, p: w.course, "course_id"), "POST"),
    Row(
        "course_enrol",
        (LOG, F404, F404, F404, F404, F404, F404, F403),
        pk_of(lambda w, p: w.hidden_course, "course_id"),
        "POST",
        label="course_enrol(unpublished)",
    ),
    Row(
        "course_enrol",
        (LOG, *[F405] * 7),
        pk_of(lambda w, p: w.course, "course_id"),
        label="course_enrol(GET)",
    ),
    # Only the Learner is enrolled; the course is not due for renewal: sent back to it.
    Row(
        "course_take_again",
        (LOG, RE, F404, F404, F404, F404, F404, F403),
        pk_of(lambda w, p: w.course, "course_id"),
        "POST",
    ),
    Row("lesson_done", OFFICERS_POST, pk_of(lambda w, p: w.lesson, "lesson_id"), "POST"),
    # The open lesson's "still reading" signal: 204 for an officer, no page.
    Row(
        "lesson_seen",
        (LOG, *["204"] * 6, F403),
        pk_of(lambda w, p: w.lesson, "lesson_id"),
        "POST",
    ),
    Row(
        "lesson_seen",
        (LOG, F404, F404, F404, F404, F404, F404, F403),
        pk_of(lambda w, p: w.hidden_lesson, "lesson_id"),
        "POST",
        label="lesson_seen(unpublished course)",
    ),
    Row(
        "lesson_seen",
        (LOG, *[F405] * 7),
        pk_of(lambda w, p: w.lesson, "lesson_id"),
        label="lesson_seen(GET)",
    ),
    Row(
        "lesson_done",
        (LOG, F404, F404, F404, F404, F404, F404, F403),
        pk_of(lambda w, p: w.hidden_lesson, "lesson_id"),
        "POST",
        label="lesson_done(unpublished course)",
    ),
    Row("search", PUBLIC, query=lambda w, p: {"q": "Matrix"}),
    Row("quiz_detail", OFFICERS, lambda w, p: {"slug": w.quiz.slug}),
    Row("quiz_start", OFFICERS_POST, lambda w, p: {"slug": w.quiz.slug}, "POST"),
    Row("attempt_page", OWN_ONLY, pk_of(place_attr("attempt_open"), "attempt_id"), places=ABC),
    Row(
        "attempt_save",
        OWN_ONLY,
        pk_of(place_attr("attempt_open"), "attempt_id"),
        "POST",
        ok=RE,
        places=ABC,
        data=lambda w, p: {"positions": "2", "q2-text": "Matrix saved answer"},
        state=lambda w, p: w.place(p).attempt_open.slots.get(position=2).response,
    ),
    Row("attempt_review", OWN_ONLY, pk_of(place_attr("attempt_done"), "attempt_id"), places=ABC),
    Row("signing_exercise", OFFICERS, lambda w, p: {"slug": w.exercise.slug}),
    Row(
        "signing_submission",
        OWN_ONLY,
        lambda w, p: {"slug": w.exercise.slug, "submission_id": w.place(p).submission.pk},
        places=ABC,
    ),
    Row("my_certificates", SIGNED_IN),
    Row("certificate_lookup", PUBLIC),
    # Public by design: what the certificate says and its status, for anyone holding it.
    Row("certificate_verify", PUBLIC, lambda w, p: {"code": certificate_code(w, p)}, places=ABC),
    Row(
        "certificate_pdf",
        (LOG, SC, F404, F404, SC, SC, OK, OK),
        lambda w, p: {"code": certificate_code(w, p)},
        places=ABC,
    ),
]

# Pages served by Wagtail (wagtail_serve), by path.
PAGE_ROWS = [
    Row("", PUBLIC, path=page_path("home"), label="page:home"),
    Row("", PUBLIC, path=page_path("catalogue"), label="page:catalogue"),
    Row("", PUBLIC, path=page_path("track"), label="page:track"),
    Row("", PUBLIC, path=page_path("course"), label="page:course"),
    Row("", SIGNED_IN, path=page_path("lesson"), label="page:lesson"),
    Row("", (F404,) * 8, path=page_path("draft_lesson"), label="page:lesson(draft)"),
    # A lesson below an unpublished course does not exist, for anyone: like a draft, and no
    # sign-in prompt that would tell an anonymous visitor something is there.
    Row("", (F404,) * 8, path=page_path("hidden_lesson"), label="page:lesson(unpublished)"),
]

OFFICER_ROWS = [
    Row("officer:index", HR_ADMIN, shows=lambda w, p: officer_name(p)),
    Row("officer:index_results", HR_ADMIN, shows=lambda w, p: officer_name(p)),
    Row(
        "officer:index",
        HR_ADMIN,
        query=lambda w, p: {"export": "csv"},
        shows=lambda w, p: officer_name(p),
        label="officer:index?export=csv",
    ),
    Row("officer:add", HR_ADMIN),
    # HR adds officers to units of their area only; another unit is refused by the form.
    Row(
        "officer:add",
        (ALOG, ALOG, HOME, HOME, scoped(RE, REFUSED), scoped(RE, REFUSED), RE, RE),
        method="POST",
        places=ABC,
        data=lambda w, p: {
            "username": "matrix.new",
            "full_name": "Matrixnew",
            "unit": w.place(p).unit.pk,
            "job_position": w.place("A").officer.job_position_id,
        },
        state=lambda w, p: Officer.objects.filter(user__username="matrix.new").exists(),
    ),
    # HR may see the staff accounts' records (in the province, one in the commune) but never
    # change them: changing the email of a reviewer's account would let HR reset its password.
    Row("officer:edit", HR_SCOPED_PERMISSION_FIRST, pk_of(officer), places=ACCOUNTS),
    Row(
        "officer:edit",
        HR_SCOPED_POST,
        pk_of(officer),
        "POST",
        ok=RE,
        places=ACCOUNTS,
        data=lambda w, p: {**profile_form(officer(w, p)), "email": "matrix-takeover@example.vn"},
        state=account_email,
        label="officer:edit.post(email)",
    ),
    # Moving an officer to a commune of another province: only an administrator may.
    Row(
        "officer:edit",
        (ALOG, ALOG, HOME, HOME, scoped(REFUSED), scoped(REFUSED), RE, RE),
        pk_of(officer),
        "POST",
        places=ABC,
        data=lambda w, p: {
            **profile_form(officer(w, p)),
            "full_name": "Matrixmoved",
            "unit": w.place("C").unit.pk,
        },
        state=lambda w, p: Officer.objects.values_list("full_name", "unit").get(
            pk=officer(w, p).pk
        ),
    ),
    Row("officer:delete", ADMIN_DELETES, pk_of(officer), places=ABC),
    Row(
        "officer:delete",
        ADMIN_DELETES_POST,
        pk_of(place_attr("spare_officer")),
        "POST",
        places=ABC,
        state=exists(Officer, place_attr("spare_officer")),
    ),
    *[
        Row(name, HR_SCOPED, pk_of(officer), places=ABC_ADM, overrides={("hr_province", "ADM"): OK})
        for name in ("officer:history", "officer:history_results", "officer:usage")
    ],
    Row("officer_import", HR_ADMIN),
    # A first password for an officer without email: HR of the area (never for a staff
    # account) and administrators issue the code; the answer is the printable slip.
    Row("officer_activation_code", HR_SCOPED_PERMISSION_FIRST, pk_of(officer), places=ACCOUNTS),
    Row(
        "officer_activation_code",
        HR_SCOPED_PERMISSION_FIRST,
        pk_of(officer),
        "POST",
        places=ACCOUNTS,
        state=lambda w, p: ActivationCode.objects.filter(user=officer(w, p).user).exists(),
    ),
    # An import row over an account: HR's own area's ordinary officers only.
    Row(
        "officer_import",
        (ALOG, ALOG, HOME, HOME, scoped(RE, REFUSED), scoped(RE, REFUSED), RE, RE),
        method="POST",
        places=ACCOUNTS,
        data=import_file,
        state=account_email,
    ),
    Row("officer_import_template", HR_ADMIN),
    Row("procedure_accounts_pending", HR_ADMIN, shows=lambda w, p: requested_account(p)),
    *[
        Row(
            name,
            HR_SCOPED_POST,
            pk_of(officer),
            "POST",
            ok=RE,
            # HR may not link an account to a staff account's record, even in their area.
            places=ACCOUNTS,
            data=lambda w, p: {"account": requested_account(p), "reason": "Matrix"},
            state=officer_state,
        )
        for name in ("procedure_account_confirm", "procedure_account_reject")
    ],
    Row(
        "procedure_account_confirm",
        (ALOG, ALOG, F405, F405, F405, F405, F405, F405),
        pk_of(officer),
        places=("A",),
        label="procedure_account_confirm(GET)",
    ),
]

ASSESSMENT_ROWS = [
    Row("question_import", TRAINERS),
    # Item analysis: those who may change quizzes, reviewers included (no personal data).
    Row("quiz_analysis", REVIEWED, lambda w, p: {"pk": w.quiz.pk}),
    Row("quiz_analysis_xlsx", REVIEWED, lambda w, p: {"pk": w.quiz.pk}),
    Row("marking_queue", TRAINERS),
    Row(
        "marking_queue",
        TRAINERS_POST,
        method="POST",
        data=lambda w, p: {
            "slot": w.place("A").essay_slot.pk,
            f"slot{w.place('A').essay_slot.pk}-mark": "1",
            f"slot{w.place('A').essay_slot.pk}-comment": "Matrix",
        },
        state=lambda w, p: (
            w.place("A").essay_slot.__class__.objects.get(pk=w.place("A").essay_slot.pk).awarded
        ),
    ),
]

REPORT_ROWS = [
    *[
        Row(f"reports:{name}", HR_ADMIN)
        for name in (
            "coverage",
            "coverage_results",
            "certification",
            "certification_results",
            "assessments",
            "assessments_results",
            "competency",
            "competency_csv",
            "competency_xlsx",
            "history",
        )
    ],
    # Before and after 2025, from an old commune: HR chooses among the old units that became
    # part of their area; another is refused (the page says so, a download does not exist).
    Row(
        "reports:history",
        HR_ADMIN,
        places=ABC,
        query=old_unit_query,
        shows=unit_name,
        label="reports:history?old_unit",
    ),
    *[
        Row(
            f"reports:{name}",
            HR_SCOPED_PERMISSION_FIRST,
            places=ABC,
            query=old_unit_query,
            shows=unit_name,
        )
        for name in ("history_csv", "history_xlsx")
    ],
    # Narrowed to a unit: within the scope it is shown; outside it the filter is refused and
    # the report stays on the user's own scope. Other units' data never appears.
    *[
        Row(
            f"reports:{name}",
            HR_ADMIN,
            places=ABC,
            query=query,
            shows=unit_name,
            label=f"reports:{name}?unit{'&csv' if query is csv_unit_query else ''}",
        )
        for name in ("coverage", "certification")
        for query in (unit_query, csv_unit_query)
    ],
    *[
        Row(
            f"reports:{name}",
            HR_ADMIN,
            places=ABC,
            query=unit_query,
            shows=lambda w, p: officer_name(p),
            label=f"reports:{name}?unit",
        )
        for name in ("competency", "competency_csv", "competency_xlsx")
    ],
    Row(
        "reports:officer_search",
        HR_ADMIN,
        query=lambda w, p: {"q": "Matrixofficer"},
        shows=lambda w, p: officer_name(p),
    ),
    *[
        Row(
            name,
            HR_SCOPED_PERMISSION_FIRST,
            pk_of(officer),
            places=ABC_ADM,
            overrides={("hr_province", "ADM"): OK},
        )
        for name in ("reports:officer", "reports:officer_xlsx")
    ],
]

CERTIFICATE_ROWS = [
    Row("certificate:index", HR_ADMIN, shows=certificate_code),
    Row("certificate:index_results", HR_ADMIN, shows=certificate_code),
    Row("certificate:inspect", HR_SCOPED, pk_of(place_attr("certificate")), places=ABC),
    Row(
        "certificate:revoke",
        HR_SCOPED_PERMISSION_FIRST,
        pk_of(place_attr("certificate")),
        places=ABC,
    ),
    Row(
        "certificate:revoke",
        HR_SCOPED_POST,
        pk_of(place_attr("certificate")),
        "POST",
        ok=RE,
        places=ABC,
        data=lambda w, p: {"reason": "Matrix revocation"},
        state=lambda w, p: Certificate.objects.get(pk=w.place(p).certificate.pk).status,
    ),
]

ASSIGNMENT_ROWS = [
    Row("assignment:index", HR_ADMIN, shows=unit_name),
    Row("assignment:index_results", HR_ADMIN, shows=unit_name),
    Row("assignment:add", HR_ADMIN),
    # HR assigns courses within their area only: to a unit, or to named officers.
    Row(
        "assignment:add",
        (ALOG, ALOG, HOME, HOME, scoped(RE, REFUSED), scoped(RE, REFUSED), RE, RE),
        method="POST",
        places=ABC,
        data=lambda w, p: assignment_data(w, unit=w.place(p).unit.pk),
        state=lambda w, p: Assignment.objects.filter(unit=w.place(p).unit).count(),
        label="assignment:add.post(unit)",
    ),
    Row(
        "assignment:add",
        (ALOG, ALOG, HOME, HOME, scoped(RE, REFUSED), scoped(RE, REFUSED), RE, RE),
        method="POST",
        places=ABC,
        data=lambda w, p: assignment_data(w, officers=w.place(p).officer.pk),
        state=lambda w, p: Assignment.objects.filter(officers=w.place(p).officer).count(),
        label="assignment:add.post(officers)",
    ),
    Row(
        "assignment:edit",
        HR_SCOPED_PERMISSION_FIRST,
        pk_of(place_attr("assignment")),
        places=ABC,
    ),
    *[
        Row(name, HR_SCOPED, pk_of(place_attr("assignment")), places=ABC)
        for name in (
            "assignment:history",
            "assignment:history_results",
            "assignment:usage",
        )
    ],
    Row("assignment:delete", ADMIN_DELETES, pk_of(place_attr("assignment")), places=ABC),
    Row(
        "assignment:delete",
        ADMIN_DELETES_POST,
        pk_of(place_attr("assignment")),
        "POST",
        places=ABC,
        state=exists(Assignment, place_attr("assignment")),
    ),
]

API_CLIENT = place_attr("api_client")
SUBSCRIPTION = lambda w, p: {"pk": w.subscription.pk}  # noqa: E731
DELIVERY = lambda w, p: {"pk": w.delivery.pk}  # noqa: E731


def delivery_state(w, p):
    return Delivery.objects.filter(pk=w.delivery.pk).values_list("state", "attempts")[0]


PROCEDURE_SYSTEM_ROWS = [
    *[Row(f"api_client:{name}", ADMIN_ONLY) for name in ("index", "index_results", "add")],
    *[
        Row(f"api_client:{name}", ADMIN_ONLY, pk_of(API_CLIENT), places=("A",))
        for name in ("edit", "delete", "history", "history_results", "usage", "rotate")
    ],
    Row(
        "api_client:rotate",
        ADMIN_ONLY,  # the new token is shown once, on the page
        pk_of(API_CLIENT),
        "POST",
        places=("A",),
        state=lambda w, p: ApiClient.objects.get(pk=w.place(p).api_client.pk).token_hash,
    ),
    Row(
        "api_client:delete",
        ADMIN_ONLY_POST,
        pk_of(API_CLIENT),
        "POST",
        places=("A",),
        state=exists(ApiClient, API_CLIENT),
    ),
    *[Row(f"feed_event:{name}", ADMIN_ONLY) for name in ("index", "index_results")],
    *[
        Row(f"feed_event:{name}", ADMIN_ONLY, lambda w, p: {"pk": w.outbox_event.pk})
        for name in ("inspect", "history", "history_results", "usage")
    ],
    *[
        Row(f"webhook_subscription:{name}", ADMIN_ONLY)
        for name in ("index", "index_results", "add")
    ],
    *[
        Row(f"webhook_subscription:{name}", ADMIN_ONLY, SUBSCRIPTION)
        for name in (
            "inspect",
            "edit",
            "delete",
            "history",
            "history_results",
            "usage",
            "rotate",
            "enable",
            "replay",
        )
    ],
    Row(
        "webhook_subscription:rotate",
        ADMIN_ONLY,  # the new secret is shown once, on the page
        SUBSCRIPTION,
        "POST",
        state=lambda w, p: w.subscription.secrets.count(),
    ),
    Row(
        "webhook_subscription:enable",
        ADMIN_ONLY_POST,
        SUBSCRIPTION,
        "POST",
        state=lambda w, p: Subscription.objects.get(pk=w.subscription.pk).disabled_at,
    ),
    Row(
        "webhook_subscription:replay",
        ADMIN_ONLY_POST,
        SUBSCRIPTION,
        "POST",
        data=lambda w, p: {"after": "0"},
        state=delivery_state,
    ),
    Row(
        "webhook_subscription:delete",
        ADMIN_ONLY_POST,
        SUBSCRIPTION,
        "POST",
        state=lambda w, p: Subscription.objects.filter(pk=w.subscription.pk).exists(),
    ),
    *[Row(f"webhook_delivery:{name}", ADMIN_ONLY) for name in ("index", "index_results")],
    *[
        Row(f"webhook_delivery:{name}", ADMIN_ONLY, DELIVERY)
        for name in ("inspect", "history", "history_results", "usage", "resend")
    ],
    Row("webhook_delivery:resend", ADMIN_ONLY_POST, DELIVERY, "POST", state=delivery_state),
]


def snippet_rows(app_model, cells, getter, viewing=None, adding=None):
    """The views of a snippet model's viewset and of its chooser. `viewing`: the cells of the
    listing, which needs only the view permission, when they differ; `adding`: of the views
    that need the add or delete permission."""
    app, model = app_model.split(".")
    ns = f"wagtailsnippets_{app}_{model}"
    chooser = f"wagtailsnippetchoosers_{app}_{model}"
    by_pk = lambda w, p: {"pk": getter(w).pk}  # noqa: E731
    viewing, adding = viewing or cells, adding or cells
    return [
        *[Row(f"{ns}:{name}", viewing) for name in ("list", "list_results")],
        Row(f"{ns}:add", adding),
        *[
            Row(f"{ns}:{name}", cells, by_pk)
            for name in ("edit", "usage", "history", "history_results")
        ],
        *[Row(f"{ns}:{name}", adding, by_pk) for name in ("delete", "copy")],
        Row(f"{chooser}:choose", ADMIN_ACCESS),
        Row(f"{chooser}:choose_results", ADMIN_ACCESS),
        Row(f"{chooser}:chosen", ADMIN_ACCESS, lambda w, p: {"pk": str(getter(w).pk)}),
        Row(f"{chooser}:chosen_multiple", ADMIN_ACCESS, query=lambda w, p: {"id": getter(w).pk}),
        # Creating from the chooser needs the model's add permission.
        Row(f"{chooser}:create", adding),
    ]


def reviewed_rows(model):
    """Wagtail's versioning views of a reviewed snippet, asked about an object a trainer
    submitted for review (world.in_review). The preview shows the answer key: never to a
    learner or HR."""
    ns = f"wagtailsnippets_assessments_{model}"

    def reviewed(w):
        return w.in_review[model]

    def pk(w, p):
        return {"pk": reviewed(w).pk}

    def revision(w, p):
        return {**pk(w, p), "revision_id": reviewed(w).latest_revision_id}

    def task_state(action):
        def kwargs(w, p):
            state = reviewed(w).current_workflow_task_state
            return {**pk(w, p), "action_name": action, "task_state_id": state.pk}

        return kwargs

    def locked(w, p):
        return type(reviewed(w)).objects.filter(pk=reviewed(w).pk).values_list("locked")[0]

    return [
        Row(f"{ns}:preview_on_add", REVIEWED_ADDS),
        Row(f"{ns}:preview_on_edit", REVIEWED, pk),
        Row(f"{ns}:revisions_view", REVIEWED, revision),
        Row(f"{ns}:revisions_revert", REVIEWED, revision),
        Row(
            f"{ns}:revisions_compare",
            REVIEWED,
            lambda w, p: {**pk(w, p), "revision_id_a": "live", "revision_id_b": "latest"},
        ),
        Row(f"{ns}:revisions_unschedule", PUBLISHERS, revision),
        Row(f"{ns}:unpublish", PUBLISHERS, pk),
        Row(f"{ns}:workflow_history", REVIEWED, pk),
        Row(
            f"{ns}:workflow_history_detail",
            REVIEWED,
            lambda w, p: {**pk(w, p), "workflow_state_id": reviewed(w).current_workflow_state.pk},
        ),
        # The review task's own views are its reviewers' (the Reviewer group's) and a
        # superuser's: an administrator publishes from the edit form instead.
        Row(
            f"{ns}:workflow_preview",
            TASK_REVIEWERS,
            lambda w, p: {**pk(w, p), "task_id": reviewed(w).current_workflow_task.pk},
        ),
        Row(f"{ns}:workflow_action", TASK_REVIEWERS, task_state("approve")),
        Row(f"{ns}:collect_workflow_action_data", TASK_REVIEWERS, task_state("approve")),
        Row(f"{ns}:confirm_workflow_cancellation", REVIEWED, pk),
        # While under review, the review task decides who may lock (its reviewers); nobody
        # holds the lock, so there is nothing to unlock (a superuser is let through).
        Row(
            f"{ns}:lock",
            (ALOG, ALOG, HOME, RE, HOME, HOME, HOME, RE),
            pk,
            "POST",
            state=locked,
        ),
        Row(f"{ns}:unlock", (ALOG, ALOG, HOME, HOME, HOME, HOME, HOME, RE), pk, "POST"),
    ]


SNIPPET_ROWS = [
    *snippet_rows("assessments.question", REVIEWED, lambda w: w.question, adding=TRAINERS),
    *snippet_rows("assessments.quiz", REVIEWED, lambda w: w.quiz, adding=TRAINERS),
    *snippet_rows(
        "assessments.questioncategory", TRAINERS, lambda w: w.category, viewing=CATEGORY_VIEWS
    ),
    *snippet_rows("assessments.signingexercise", REVIEWED, lambda w: w.exercise, adding=TRAINERS),
    *[row for model in ("question", "quiz", "signingexercise") for row in reviewed_rows(model)],
    *snippet_rows("courses.skilltag", SUPERUSER_ONLY, lambda w: w.skill_tag),
    # Who issues and signs certificates: administrators only (one per province: no copy).
    *[
        row
        for row in snippet_rows(
            "certification.certificateissuer", ADMIN_ONLY, lambda w: w.certificate_issuer
        )
        if not row.name.endswith(":copy")
    ],
    Row(
        "wagtailsnippets_assessments_question:delete",
        TRAINERS_POST,
        lambda w, p: {"pk": w.spare_question.pk},
        "POST",
        state=lambda w, p: type(w.question).objects.filter(pk=w.spare_question.pk).exists(),
    ),
]

# Added by production readiness (issue 7): monitoring, security, the audit log.
OPERATIONS_ROWS = [
    # For load balancers and monitoring: status of the database, cache and queue, no data.
    Row("health", PUBLIC),
    Row("health_live", PUBLIC),
    # Browsers post CSP violation reports without credentials or CSRF token.
    Row(
        "csp_report",
        ("204",) * 8,
        method="POST",
        data=lambda w, p: '{"csp-report": {"blocked-uri": "inline"}}',
    ),
    Row("csp_report", (F405,) * 8),
    # Two-factor sign-in: HR, administrators and superusers hold others' data and may use it.
    Row("two_factor", (ALOG, ALOG, HOME, HOME, OK, OK, OK, OK)),
    # Asking for a code when none is set up sends the user on.
    Row("two_factor_verify", (LOG, RE, RE, RE, RE, RE, RE, RE)),
    # The audit log: HR reads the entries about their area, administrators all.
    Row("audit_log", HR_ADMIN, shows=audit_label),
    Row("audit_log_results", HR_ADMIN, shows=audit_label),
]

# Not the project's views, but what keeps roles apart: only administrators manage accounts
# and roles (Wagtail's users and groups), so HR cannot raise anyone's rights.
ACCOUNT_ROWS = [
    Row("wagtailusers_users:index", ADMIN_ONLY),
    Row("wagtailusers_users:edit", ADMIN_ONLY, lambda w, p: {"pk": w.user("learner").pk}),
    Row("wagtailusers_groups:index", ADMIN_ONLY),
]

# Wagtail's reports and listings an HR officer could open with access to the admin: none of
# them shows HR another commune's officers (Wagtail's site history listed every commune's
# officer history to any HR officer; reports/site_history.py keeps it to content editors and
# administrators, without the area-scoped records for non-administrators).
SITE_HISTORY = (ALOG, ALOG, OK, OK, HOME, HOME, OK, OK)
# Wagtail's page reports and page search need page permissions: trainers' and reviewers'
# (locked pages: unlocking, a superuser's); HR and administrators hold none.
PAGE_EDITORS = (ALOG, ALOG, OK, OK, HOME, HOME, HOME, OK)
PAGE_UNLOCKERS = (ALOG, ALOG, HOME, HOME, HOME, HOME, HOME, OK)
WAGTAIL_REPORT_ROWS = [
    *[
        Row(name, SITE_HISTORY, shows=lambda w, p: officer_name(p))
        for name in ("site_history", "site_history_results")
    ],
    *[
        Row(
            "site_history",
            SITE_HISTORY,
            query=lambda w, p, f=file_format: {"export": f},
            shows=lambda w, p: officer_name(p),
            label=f"site_history?export={file_format}",
        )
        for file_format in ("csv", "xlsx")
    ],
    *[
        Row(f"wagtailadmin_reports:{name}", PAGE_UNLOCKERS)
        for name in ("locked_pages", "locked_pages_results")
    ],
    *[
        Row(f"wagtailadmin_reports:{name}", PAGE_EDITORS)
        for name in (
            "workflow",
            "workflow_results",
            "workflow_tasks",
            "workflow_tasks_results",
            "aging_pages",
            "aging_pages_results",
            "page_types_usage",
            "page_types_usage_results",
        )
    ],
    Row("wagtailusers_users:index_results", ADMIN_ONLY),
    Row("wagtailadmin_pages:search", PAGE_EDITORS, query=lambda w, p: {"q": "Matrix"}),
]
WAGTAIL_NAMES = {row.name for row in ACCOUNT_ROWS + WAGTAIL_REPORT_ROWS}

ROWS = [
    *SITE_ROWS,
    *ACCOUNT_ROWS,
    *WAGTAIL_REPORT_ROWS,
    *OPERATIONS_ROWS,
    *PAGE_ROWS,
    *OFFICER_ROWS,
    *ASSESSMENT_ROWS,
    *REPORT_ROWS,
    *CERTIFICATE_ROWS,
    *ASSIGNMENT_ROWS,
    *PROCEDURE_SYSTEM_ROWS,
    *SNIPPET_ROWS,
]

# --- The pull API (/api/v1/): API clients instead of users -------------------------------
API_ROLES = (
    "no_token",
    "bad_token",
    "inactive_token",
    "token_commune",  # a client of Xã Na Sang (A)
    "token_province",  # a client of the province of Điện Biên (A and B)
    "admin_session",  # a signed-in administrator without a token: the API takes tokens only
)
API_REACH = {role: set() for role in API_ROLES} | {
    "token_commune": {"A"},
    "token_province": {"A", "B"},
}
U401 = UNAUTHORIZED
TOKENS = (U401, U401, U401, OK, OK, U401)
TOKENS_SCOPED = (U401, U401, U401, SC, SC, U401)
API_PUBLIC = (OK, OK, OK, OK, OK, OK)

API_ROWS = [
    Row("procedure_api:list_certifications", TOKENS, shows=certificate_code),
    Row(
        "procedure_api:list_certifications",
        TOKENS_SCOPED,
        places=ABC,
        query=lambda w, p: {"unit": w.place(p).unit.code},
        shows=certificate_code,
        label="procedure_api:list_certifications?unit",
    ),
    Row(
        "procedure_api:get_certification",
        TOKENS_SCOPED,
        lambda w, p: {"code": certificate_code(w, p)},
        places=ABC,
    ),
    Row(
        "procedure_api:officer_certifications",
        TOKENS_SCOPED,
        lambda w, p: {"officer_id": officer(w, p).pk},
        places=ABC,
    ),
    # A list of at most one: an officer outside the client's area is simply not in it.
    Row(
        "procedure_api:find_officers",
        TOKENS,
        places=ABC,
        query=lambda w, p: {"procedure_account": f"matrix-account-{p.lower()}"},
        shows=lambda w, p: officer_name(p),
    ),
    # The change feed: each token reads its area's events (none of B's or C's for a commune).
    Row("procedure_api:list_events", TOKENS),
    # The schema and its documentation are public: they describe the API, not its data.
    Row("procedure_api:openapi-json", API_PUBLIC),
    Row("procedure_api:openapi-view", API_PUBLIC),
    # Nothing is served at the API's root.
    Row("procedure_api:api-root", (F404,) * 6),
]


def api_headers(world, role):
    token = {
        "bad_token": "kns_0123456789_not-a-real-token",
        "inactive_token": world.tokens["token_inactive"],
        "token_commune": world.tokens["token_commune"],
        "token_province": world.tokens["token_province"],
    }.get(role)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


# --- The URLs the matrix deliberately leaves out, each with its reason --------------------
# None at present: even the public ones (/health/, the CSP report endpoint, the API schema)
# are rows, so that they stay public on purpose. Add {"url name": "reason"} entries here.
EXCLUDED = {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The matrix's data, built once; rolled back when the module is done."""
    with django_db_blocker.unblock(), built_world(tmp_path_factory.mktemp("matrix-ca")) as world:
        yield world


def ask(world, row, place, client, headers):
    url = url_of(row, world, place)
    query = row.query(world, place) if row.query else {}
    if row.method == "GET":
        return client.get(url, query, **headers)
    if query:
        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    data = row.data(world, place) if row.data else {}
    if isinstance(data, str):
        return client.post(url, data, content_type="application/csp-report", **headers)
    return client.post(url, data, **headers)


def check_cell(world, row, role, place, client, headers, roles, reach):
    want = expected(row, roles, role, place, reach)
    before = row.state(world, place) if row.state else None
    response = ask(world, row, place, client, headers)
    got = outcome_of(response)
    where = response.get("Location", "")
    assert got == status_of(want), (
        f"{row.method} {row.id} as {role} on {place or '-'}: {got} {where}"
    )
    if row.state:
        after = row.state(world, place)
        if want in ALLOWED:
            assert after != before, "allowed, yet the probe saw no change"
        else:
            assert after == before, f"denied ({got}), yet it changed: {before!r} -> {after!r}"
    if row.shows and got == OK:
        shown_wrongly, missing = leaks(row, world, role, place, body_text(response), reach)
        assert not shown_wrongly, f"{role} sees the data of {shown_wrongly}"
        assert not missing, f"{role} should see the data of {missing}"


def params(rows, roles):
    found = []
    for (row, role, place), test_id in cases(rows, roles):
        reason = row.xfail.get((role, place))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        found.append(pytest.param(row, role, place, id=test_id, marks=marks))
    return found


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):
    """A client per role (and the administrator's second session); the sessions live in the
    module's transaction."""
    users = {role: role for role in ROLES} | {"admin_session": "administrator"}
    with django_db_blocker.unblock():
        return signed_in_clients(world, users)


def client_for(clients, role):
    client = clients.get(role) or clients["anonymous"]
    # Messages left by an earlier cell's redirect must not reach this one.
    client.cookies.pop("messages", None)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "place"), params(ROWS, ROLES))
def test_user_matrix(world, clients, row, role, place):
    check_cell(world, row, role, place, client_for(clients, role), {}, ROLES, REACH)


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role", "place"), params(API_ROWS, API_ROLES))
def test_api_matrix(world, clients, row, role, place):
    client = client_for(clients, role)
    check_cell(world, row, role, place, client, api_headers(world, role), API_ROLES, API_REACH)


@pytest.mark.django_db
def test_a_cross_site_post_is_refused_and_changes_nothing(world):
    """With CSRF checks on (as in production), a confirmation posted without the token is
    refused, even by the HR officer who may confirm it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("hr_commune"))
    target = world.place("A").officer
    url = reverse("procedure_account_confirm", kwargs={"pk": target.pk})
    response = client.post(url, {"account": requested_account("A")})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.procedure_account_requested == requested_account("A")


def test_every_view_of_the_project_is_in_the_matrix():
    covered = {row.name for row in ROWS + API_ROWS if row.name}
    ours = our_url_names()
    missing = sorted(set(ours) - covered - set(EXCLUDED))
    assert not missing, (
        "These URLs of the project are not in the permission matrix; add rows for them to "
        f"tests/security/test_permission_matrix.py (or exclude them, with a reason): {missing}"
    )
    unknown = sorted((covered | set(EXCLUDED)) - set(ours) - WAGTAIL_NAMES)
    assert not unknown, f"The matrix names URLs the project no longer has: {unknown}"


@pytest.mark.django_db
def test_no_admin_page_open_to_a_commune_hr_shows_another_communes_officers(world, clients):
    """Beyond the rows: the dashboard, the reports menu and every listing an HR officer of Na
    Sang can open, followed by their own links, never name an officer of another commune."""
    client = client_for(clients, "hr_commune")
    others = [officer_name("B"), officer_name("C")]
    for name in (
        "wagtailadmin_home",
        "site_history",
        "site_history_results",
        "wagtailadmin_reports:workflow",
        "wagtailadmin_reports:aging_pages",
        "wagtailadmin_pages:search",
        "officer:index",
        "audit_log",
        "certificate:index",
        "assignment:index",
        "procedure_accounts_pending",
    ):
        for query in ({}, {"export": "csv"}, {"q": "Matrixofficer"}):
            response = client.get(reverse(name), query, follow=True)
            text = body_text(response)
            assert not [other for other in others if other in text], (name, query)
