"""The data the permission matrix asks about, built once per test module.

Three places hold an ordinary officer each, with the same set of objects (enrolment, quiz
attempts, signing submission, certificate, assignment, pending procedure-system account):

- "A": Xã Na Sang (03172), Điện Biên. Its officer is the matrix's Learner, so A's objects are
  the Learner's own.
- "B": Xã Mường Tùng (03181), another commune of the same province.
- "C": a commune of another province (Lai Châu, 12).

Role users sit in A (Learner, HR of the commune) or in the province (everyone else), so
"own unit" and "other unit" are A/B for the commune's HR and A,B/C for the province's HR.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver
from django.utils import timezone
from wagtail.log_actions import log

from assessments import attempts
from assessments.models import (
    Answer,
    Question,
    QuestionCategory,
    Quiz,
    QuizQuestion,
    SigningExercise,
    SigningSubmission,
)
from audit import recorder as audit_recorder
from audit.models import Action
from certification import demo_ca, issuing, pdf
from certification.models import CertificateIssuer
from courses import progress
from courses.models import Assignment, CatalogueIndexPage, CoursePage, LessonPage, TrackPage
from home.models import HomePage
from officers import roles
from procedure_system import feed
from procedure_system.api_auth import assign_new_token
from procedure_system.models import ApiClient, Delivery, DeliveryAttempt, OutboxEvent, Subscription
from procedure_system.subscription_admin import issue_secret
from tests.courses.reading import read
from tests.factories import OfficerFactory, officer_with_role
from units.loader import load_bundled_dien_bien, load_bundled_national
from units.models import AdministrativeUnit, UnitSuccession

PLACES = ("A", "B", "C")
UNIT_CODES = {"A": "03172", "B": "03181"}
OTHER_PROVINCE = "12"  # Lai Châu: small, and not Điện Biên

# Users of the matrix, by role key. The order is the order of the table's columns.
ROLES = (
    "anonymous",
    "learner",
    "trainer",
    "reviewer",
    "hr_commune",
    "hr_province",
    "administrator",
    "superuser",
)

# Whose objects each role reaches through scoping: the Learner's own are A's; HR reaches their
# unit's tree; administrators and superusers reach everything.
REACH = {
    "anonymous": set(),
    "learner": {"A"},
    "trainer": set(),
    "reviewer": set(),
    "hr_commune": {"A"},
    "hr_province": {"A", "B"},
    "administrator": set(PLACES),
    "superuser": set(PLACES),
}

ESSAY = "Matrix essay answer"

# Accounts with a staff role, as places of the rows about changing accounts: the Trainer,
# the Reviewer, the HR officers of the commune (in A) and of the province, the Administrator.
STAFF_PLACES = {
    "TRN": "trainer",
    "REV": "reviewer",
    "HRC": "hr_commune",
    "HRP": "hr_province",
    "ADM": "administrator",
}


def officer_name(place):
    """A name found nowhere else, to tell whether a page shows this place's officer."""
    return f"Matrixofficer {place}"


def procedure_account(place):
    return f"matrix-account-{place.lower()}"


def requested_account(place):
    return f"matrix-request-{place.lower()}"


@dataclass
class Place:
    unit: AdministrativeUnit
    officer: object
    enrolment: object
    attempt_open: object
    attempt_done: object
    essay_slot: object
    submission: object
    certificate: object
    assignment: object
    api_client: object
    spare_officer: object  # nothing refers to it: deleting it can succeed
    audit_entry: object
    old_unit: AdministrativeUnit  # a pre-2025 commune that became (part of) this unit only


@dataclass
class World:
    users: dict
    places: dict
    home: HomePage
    catalogue: CatalogueIndexPage
    track: TrackPage
    course: CoursePage
    lesson: LessonPage
    draft_lesson: LessonPage
    hidden_course: CoursePage
    hidden_lesson: LessonPage
    quiz: Quiz
    question: Question
    spare_question: Question  # in no quiz: deleting it can succeed
    category: QuestionCategory
    exercise: SigningExercise
    skill_tag: object
    certificate_issuer: object
    outbox_event: OutboxEvent
    admin_officer: object
    # Place A's client's webhook subscription, disabled after failures, and its delivery of
    # outbox_event, failed: every push action (enable, replay, resend) has something to do.
    subscription: Subscription = None
    delivery: Delivery = None
    # The officer records of the staff roles' users, by place key (STAFF_PLACES): HR may see
    # some of them, in their area, but change none.
    staff_officers: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    # A trainer's change to each of these waits for review: their versioning views have a
    # revision, a workflow state and a task state to show.
    in_review: dict = field(default_factory=dict)

    def user(self, role):
        return self.users.get(role)

    def place(self, key):
        return self.places[key]


def _unit(code):
    return AdministrativeUnit.objects.current().get(code=code)


def _publish(parent, page, live=True):
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    page.refresh_from_db()
    return page


def _catalogue():
    home = HomePage.objects.get()
    catalogue = _publish(home, CatalogueIndexPage(title="Matrix catalogue", slug="khoa-hoc"))
    track = _publish(catalogue, TrackPage(title="Matrix track", slug="matrix-track"))
    course = _publish(
        track,
        CoursePage(
            title="Matrix course",
            slug="matrix-course",
            summary="A course of the permission matrix.",
            issues_certificate=True,
            certificate_valid_months=24,
            lessons_in_order=False,
        ),
    )
    body = [{"type": "text", "value": "<p>Matrix lesson text.</p>"}]
    lesson = _publish(course, LessonPage(title="Matrix lesson 1", slug="matrix-1", body=body))
    _publish(course, LessonPage(title="Matrix lesson 2", slug="matrix-2", body=body))
    draft = LessonPage(title="Matrix draft lesson", slug="matrix-draft", body=body, live=False)
    draft = _publish(course, draft, live=False)
    hidden = _publish(
        track, CoursePage(title="Matrix hidden course", slug="matrix-hidden", summary="Hidden.")
    )
    hidden_lesson = _publish(
        hidden, LessonPage(title="Matrix hidden lesson", slug="matrix-hidden-1", body=body)
    )
    hidden.unpublish()
    hidden.refresh_from_db()
    return home, catalogue, track, course, lesson, draft, hidden, hidden_lesson


def _quiz():
    category = QuestionCategory.from_path("Matrix/Bank")
    single = Question.objects.create(
        category=category, kind=Question.Kind.SINGLE, name="Matrix single", text="<p>Who?</p>"
    )
    right = Answer.objects.create(question=single, text="Matrix right", fraction=1)
    Answer.objects.create(question=single, text="Matrix wrong", fraction=0)
    essay = Question.objects.create(
        category=category,
        kind=Question.Kind.ESSAY,
        name="Matrix essay",
        text="<p>Explain.</p>",
        default_mark=Decimal("2"),
    )
    quiz = Quiz.objects.create(slug="matrix-quiz", title="Matrix quiz", pass_mark=Decimal("50"))
    QuizQuestion.objects.create(quiz=quiz, question=single, sort_order=1)
    QuizQuestion.objects.create(quiz=quiz, question=essay, sort_order=2)
    return category, single, right, quiz


def _users():
    users = {
        "learner": officer_with_role(roles.LEARNER, "03172", username="matrix.learner").user,
        "trainer": officer_with_role(roles.TRAINER, "11", username="matrix.trainer").user,
        "reviewer": officer_with_role(roles.REVIEWER, "11", username="matrix.reviewer").user,
        "hr_commune": officer_with_role(roles.HR, "03172", username="matrix.hr.nasang").user,
        "hr_province": officer_with_role(roles.HR, "11", username="matrix.hr.dienbien").user,
        "administrator": officer_with_role(
            roles.ADMINISTRATOR, "11", username="matrix.admin", full_name="Matrixadmin"
        ).user,
    }
    # A superuser without an officer profile: the platform's operator.
    users["superuser"] = get_user_model().objects.create_superuser(
        "matrix.root", "root@example.vn", "unused-Password-2026"
    )
    return users


def _place(key, unit, officer, world_parts, creator):
    course, lesson, quiz, right, exercise = world_parts
    officer.full_name = officer_name(key)
    officer.procedure_account = procedure_account(key)
    officer.procedure_account_requested = requested_account(key)
    officer.save()
    # A line in Wagtail's history of the officer (the site history report lists it).
    log(instance=officer, action="wagtail.edit", user=creator)
    enrolment = progress.enrol(officer, course)
    read(officer, lesson)
    done = attempts.start_or_resume(officer, quiz)
    attempts.save_response(
        done, 1, {"answers": [attempts.token_of(done.slots.get(position=1), right.pk)]}
    )
    attempts.save_response(done, 2, {"text": f"{ESSAY} {key}"})
    done = attempts.submit(done)
    essay_slot = done.slots.get(position=2)
    opened = attempts.start_or_resume(officer, quiz)
    submission = SigningSubmission(
        exercise=exercise,
        officer=officer,
        original_name=f"matrix-{key}.pdf",
        passed=False,
        checks=[],
    )
    submission.file.save(f"matrix-{key}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
    submission.save()
    certificate = issuing.issue(officer, course)
    assignment = Assignment.objects.create(
        course=course,
        deadline=timezone.localdate() + dt.timedelta(days=60),
        unit=unit,
        created_by=creator,
    )
    api_client = ApiClient(name=f"Matrix client {key}")
    assign_new_token(api_client)
    api_client.save()
    api_client.units.set([unit])
    audit_entry = audit_recorder.record(
        creator,
        Action.CERTIFICATE_REVOKED,
        target=certificate,
        unit=unit,
        reason="Matrix",
    )
    return Place(
        audit_entry=audit_entry,
        spare_officer=OfficerFactory(unit=unit, full_name=f"Matrixspare {key}"),
        old_unit=_old_commune_of(unit),
        unit=unit,
        officer=officer,
        enrolment=enrolment,
        attempt_open=opened,
        attempt_done=done,
        essay_slot=essay_slot,
        submission=submission,
        certificate=certificate,
        assignment=assignment,
        api_client=api_client,
    )


def _old_commune_of(unit):
    """A commune before the 2025 reform whose whole territory went to this unit."""
    for succession in UnitSuccession.objects.filter(successor=unit).select_related("predecessor"):
        old = succession.predecessor
        successors = UnitSuccession.objects.filter(predecessor=old).values_list("successor")
        if {pk for (pk,) in successors} == {unit.pk}:
            return old
    raise AssertionError(f"no pre-2025 commune went to {unit} alone")


def build_world():
    # As in a running server, the admin's URLs (and the viewsets they register, which Wagtail's
    # reference index relies on) are loaded before any data is written.
    get_resolver().url_patterns  # noqa: B018
    load_bundled_dien_bien()
    load_bundled_national({OTHER_PROVINCE})
    users = _users()
    home, catalogue, track, course, lesson, draft, hidden, hidden_lesson = _catalogue()
    category, question, right, quiz = _quiz()
    exercise = SigningExercise.objects.create(slug="matrix-exercise", title="Matrix exercise")
    spare_question = Question.objects.create(
        category=category, kind=Question.Kind.ESSAY, name="Matrix spare", text="<p>Spare.</p>"
    )
    from courses.models import SkillTag

    skill_tag = SkillTag.objects.order_by("pk").first()
    # The competency matrix needs a published course that teaches skills.
    course.skill_tags.set(SkillTag.objects.order_by("pk")[:2])
    course.save()  # a ParentalManyToManyField is written when the page is
    other_commune = (
        AdministrativeUnit.objects.current().filter(parent__code=OTHER_PROVINCE).order_by("code")
    ).first()
    units = {"A": _unit("03172"), "B": _unit("03181"), "C": other_commune}
    parts = (course, lesson, quiz, right, exercise)
    creator = users["administrator"]
    officers = {
        "A": users["learner"].officer,
        "B": OfficerFactory(unit=units["B"]),
        "C": OfficerFactory(unit=units["C"]),
    }
    places = {key: _place(key, units[key], officers[key], parts, creator) for key in PLACES}
    staff_officers = {key: users[role].officer for key, role in STAFF_PLACES.items()}
    for key, staff in staff_officers.items():
        staff.procedure_account_requested = requested_account(key)
        staff.save()
    admin_officer = staff_officers["ADM"]
    # Made now, once: the downloads then serve the stored file.
    for place in places.values():
        pdf.ensure_signed_pdf(place.certificate)
    world = World(
        users=users,
        places=places,
        home=home,
        catalogue=catalogue,
        track=track,
        course=course,
        lesson=lesson,
        draft_lesson=draft,
        hidden_course=hidden,
        hidden_lesson=hidden_lesson,
        quiz=quiz,
        question=question,
        spare_question=spare_question,
        category=category,
        exercise=exercise,
        skill_tag=skill_tag,
        certificate_issuer=CertificateIssuer.objects.create(
            province=_unit("11"),
            issuing_body="Sở Nội vụ",
            place="Điện Biên",
            signatory_title="Giám đốc",
            signatory_name="Nguyễn Văn An",
        ),
        outbox_event=OutboxEvent.objects.filter(certificate=places["A"].certificate).first(),
        admin_officer=admin_officer,
        staff_officers=staff_officers,
    )
    world.subscription, world.delivery = _push(places["A"].api_client, world.outbox_event)
    trainer = users["trainer"]
    for name, reviewed in (("question", question), ("quiz", quiz), ("signingexercise", exercise)):
        reviewed.save_revision(user=trainer, clean=False)
        reviewed.get_workflow().start(reviewed, trainer)
        reviewed.refresh_from_db()
        world.in_review[name] = reviewed
    # API tokens: one client per scope the matrix asks about, plus an inactive one.
    world.tokens["token_commune"] = _token("Matrix API Na Sang", [units["A"]])
    world.tokens["token_province"] = _token("Matrix API Dien Bien", [_unit("11")])
    world.tokens["token_inactive"] = _token("Matrix API inactive", [_unit("11")], active=False)
    return world


def _push(api_client, event):
    """A subscription of the client and its failed delivery of the event (numbered into the
    feed now, as its commit would have)."""
    subscription = Subscription.objects.create(
        client=api_client, name="Matrix webhooks", url="http://127.0.0.1:9/matrix"
    )
    issue_secret(subscription)
    feed.sequence()
    delivery = Delivery.objects.get(subscription=subscription, event=event)
    failed_at = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED, attempts=5, last_status=503, last_error="HTTP 503"
    )
    DeliveryAttempt.objects.create(
        delivery=delivery, url=subscription.url, at=failed_at, status=503, duration_ms=12
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        disabled_at=failed_at, disabled_reason="Matrix: failing for the whole retry span"
    )
    subscription.refresh_from_db()
    delivery.refresh_from_db()
    return subscription, delivery


def _token(name, units, active=True):
    client = ApiClient(name=name, is_active=active, requests_per_minute=100000)
    token = assign_new_token(client)
    client.save()
    client.units.set(units)
    return token


@contextmanager
def built_world(directory):
    """The world, its certificates signed by a demo CA made in `directory`; all of it rolled
    back on leaving. Enter with the database unblocked (module-scoped fixtures)."""
    ca = demo_ca.create(directory)
    signing = override_settings(
        CERTIFICATE_SIGNING_KEY=str(ca.key),
        CERTIFICATE_SIGNING_CERT=str(ca.cert),
        CERTIFICATE_SIGNING_CHAIN=str(ca.chain),
        CERTIFICATE_SIGNING_KEY_PASSWORD="",
    )
    with signing, transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def signed_in_clients(world, users, **client_options):
    """A test client per name of `users` ({name: role whose user signs in}), signed in once:
    a sign-in per request would cost more than most requests."""
    clients = {}
    for name, role in users.items():
        client = Client(**client_options)
        if world.user(role) is not None:
            client.force_login(world.user(role))
        clients[name] = client
    return clients
