"""The push's admin: the change feed, webhook subscriptions and their secrets, deliveries.

Administrators create a subscription and see its signing secret once, rotate it (the old one
keeps signing for 24 hours), enable a subscription the delivery disabled, replay the feed from
a position, and resend any delivery. Listings cost the same number of queries however many
rows they show.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from procedure_system import delivery as push
from procedure_system import feed, webhooks
from procedure_system.models import (
    Delivery,
    DeliveryAttempt,
    OutboxEvent,
    SigningSecret,
    Subscription,
)
from procedure_system.outbox_admin import ENABLED, REPLAYED, RESENT, SECRET_ROTATED
from procedure_system.subscription_admin import issue_secret
from tests.factories import UserFactory, logged_in
from tests.procedure_system.helpers import make_client, officer_in, unit

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")
Kind = OutboxEvent.Kind
RECEIVER = "http://127.0.0.1:9/webhooks"  # never called: nothing here delivers


def shown_secrets(response):
    assert response.status_code == 200, response.status_code
    return set(SECRET.findall(response.content.decode()))


def valid_secrets(subscription, at):
    """The secrets that sign a request made at `at` (the delivery's rule)."""
    return set(
        subscription.secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=at)).values_list(
            "secret", flat=True
        )
    )


def subscribe(client, name="Một cửa Na Sang", **kwargs):
    subscription = Subscription.objects.create(client=client, name=name, url=RECEIVER, **kwargs)
    issue_secret(subscription)
    return subscription


def linked(officer, at=None):
    """An event in the officer's unit (an account linked), numbered into the feed."""
    event = feed.record(
        Kind.ACCOUNT_LINKED,
        subject=f"officer:{officer.pk}",
        unit=officer.unit,
        data={"officer": {"id": officer.pk, "full_name": officer.full_name}, "account": "x"},
        occurred_at=at or timezone.now(),
        officer=officer,
    )
    # The test's transaction never commits: number the feed as the commit would.
    feed.sequence()
    event.refresh_from_db()
    return event


@pytest.fixture
def api_client(dien_bien):
    client, _token = make_client("03172", name="Một cửa Na Sang")
    return client


# --- Creating a subscription --------------------------------------------------------------------


def test_creating_a_subscription_shows_its_secret_once(client, administrator, api_client):
    logged_in(client, administrator)
    assert client.get(reverse("webhook_subscription:add")).status_code == 200
    response = client.post(
        reverse("webhook_subscription:add"),
        {
            "client": api_client.pk,
            "name": "Cổng một cửa xã",
            "url": "https://motcua.nasang.example.vn/webhooks",
            "event_types": ["certificate.issued", "officer.moved_in"],
            "units": [unit("03172").pk],
            "is_active": "on",
        },
    )
    (secret,) = shown_secrets(response)
    assert "no-store" in response["Cache-Control"]

    subscription = Subscription.objects.get(name="Cổng một cửa xã")
    assert subscription.client == api_client
    assert subscription.event_types == ["certificate.issued", "officer.moved_in"]
    assert list(subscription.units.all()) == [unit("03172")]
    assert list(subscription.secrets.values_list("secret", "expires_at")) == [(secret, None)]
    # Nowhere else: not in the session, a cookie, the listing or the subscription's pages.
    assert secret not in str(dict(client.session)) and secret not in str(client.cookies)
    for url in (
        reverse("webhook_subscription:index"),
        reverse("webhook_subscription:inspect", args=[subscription.pk]),
        reverse("webhook_subscription:edit", args=[subscription.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200 and not shown_secrets(page), url
    assert "Cổng một cửa xã" in client.get(reverse("webhook_subscription:index")).text


def test_a_unit_outside_the_clients_area_is_refused_by_name(client, administrator, api_client):
    logged_in(client, administrator, language="en")
    response = client.post(
        reverse("webhook_subscription:add"),
        {
            "client": api_client.pk,
            "name": "Ngoài địa bàn",
            "url": RECEIVER,
            "units": [unit("03172").pk, unit("03181").pk],
        },
    )
    assert response.status_code == 200 and not shown_secrets(response)
    text = response.content.decode()
    assert "Xã Mường Tùng (03181) is not in the area of the API client “Một cửa Na Sang”" in text
    assert "Xã Na Sang (03172)" in text  # the client's area, to choose from
    assert not Subscription.objects.exists()


def test_a_province_client_may_narrow_to_one_of_its_communes(client, administrator, dien_bien):
    province_client, _token = make_client("11", name="Một cửa tỉnh")
    logged_in(client, administrator)
    response = client.post(
        reverse("webhook_subscription:add"),
        {
            "client": province_client.pk,
            "name": "Chỉ Na Sang",
            "url": RECEIVER,
            "units": [unit("03172").pk],
        },
    )
    assert len(shown_secrets(response)) == 1
    assert Subscription.objects.get().event_types == []  # none ticked: every type


# --- Rotating the secret ----------------------------------------------------------------------


def test_rotation_keeps_the_old_secret_signing_until_it_expires(client, administrator, api_client):
    subscription = subscribe(api_client)
    (old,) = subscription.secrets.values_list("secret", flat=True)
    logged_in(client, administrator)
    rotate_url = reverse("webhook_subscription:rotate", args=[subscription.pk])
    inspect = client.get(reverse("webhook_subscription:inspect", args=[subscription.pk]))
    assert rotate_url in inspect.text
    assert client.get(rotate_url).status_code == 200
    assert subscription.secrets.count() == 1  # GET changes nothing

    before = timezone.now()
    (new,) = shown_secrets(client.post(rotate_url))
    assert new != old
    rows = dict(subscription.secrets.values_list("secret", "expires_at"))
    assert rows[new] is None
    assert before + timedelta(hours=24) <= rows[old] <= timezone.now() + timedelta(hours=24)
    # Both sign meanwhile (a request made now carries a signature with each, and a receiver
    # that knows either accepts it); the new one alone once the overlap is over.
    assert valid_secrets(subscription, timezone.now()) == {old, new}
    request = push.build_request(
        Delivery.objects.get(subscription=subscription, event=linked(officer_in("03172")))
    )
    assert len(request.headers["webhook-signature"].split()) == 2
    for secret in (old, new):
        webhooks.verify([secret], request.headers, request.body)
    assert valid_secrets(subscription, timezone.now() + timedelta(hours=25)) == {new}
    entry = ModelLogEntry.objects.get(action=SECRET_ROTATED)
    assert entry.object_id == str(subscription.pk) and entry.user == administrator

    # A second rotation within the overlap does not stretch the first secret's life.
    (newest,) = shown_secrets(client.post(rotate_url))
    rows = dict(subscription.secrets.values_list("secret", "expires_at"))
    assert rows[newest] is None and rows[old] <= rows[new]
    assert valid_secrets(subscription, timezone.now()) == {old, new, newest}


# --- The environment's receiver ---------------------------------------------------------------


def test_the_environments_receiver_is_shown_but_not_edited(client, administrator, settings):
    settings.PROCEDURE_SYSTEM_EVENTS_URL = "https://motcua.dienbien.example.vn/su-kien"
    settings.PROCEDURE_SYSTEM_SECRET = "bí-mật"
    environment = feed.environment_subscription()
    logged_in(client, administrator)
    index = client.get(reverse("webhook_subscription:index"))
    assert "https://motcua.dienbien.example.vn/su-kien" in index.text
    inspect_url = reverse("webhook_subscription:inspect", args=[environment.pk])
    assert inspect_url in index.text
    assert reverse("webhook_subscription:edit", args=[environment.pk]) not in index.text
    inspect = client.get(inspect_url)
    assert inspect.status_code == 200
    assert "bí-mật" not in inspect.text
    assert reverse("webhook_subscription:rotate", args=[environment.pk]) not in inspect.text

    for name in ("edit", "delete"):
        url = reverse(f"webhook_subscription:{name}", args=[environment.pk])
        assert client.post(url, {"name": "đổi", "url": RECEIVER}).url == inspect_url
    rotate = client.post(reverse("webhook_subscription:rotate", args=[environment.pk]))
    assert rotate.status_code == 200 and not shown_secrets(rotate)
    environment.refresh_from_db()
    assert environment.name == feed.ENVIRONMENT_NAME and not environment.secrets.exists()


# --- Enable again, replay -------------------------------------------------------------------


def test_enable_again(client, administrator, api_client):
    subscription = subscribe(
        api_client,
        disabled_at=timezone.now() - timedelta(hours=1),
        disabled_reason="HTTP 503 for 3 days",
        failing_since=timezone.now() - timedelta(days=3),
    )
    logged_in(client, administrator)
    inspect_url = reverse("webhook_subscription:inspect", args=[subscription.pk])
    inspect = client.get(inspect_url)
    assert "HTTP 503 for 3 days" in inspect.text
    enable_url = reverse("webhook_subscription:enable", args=[subscription.pk])
    assert enable_url in inspect.text
    assert client.get(enable_url).status_code == 200

    response = client.post(enable_url)
    assert response.status_code == 302 and response.url == inspect_url
    subscription.refresh_from_db()
    assert not subscription.is_disabled and subscription.disabled_reason == ""
    assert subscription.failing_since is None
    assert ModelLogEntry.objects.filter(action=ENABLED, object_id=str(subscription.pk)).exists()
    assert enable_url not in client.get(inspect_url).text


def test_replay_since_a_position_queues_the_areas_events(
    client, administrator, api_client, django_capture_on_commit_callbacks
):
    here, elsewhere = officer_in("03172"), officer_in("03181")
    first, other, second = linked(here), linked(elsewhere), linked(here)
    subscription = subscribe(api_client)  # after the events: none was delivered to it
    assert not Delivery.objects.filter(subscription=subscription).exists()
    logged_in(client, administrator, language="en")
    replay_url = reverse("webhook_subscription:replay", args=[subscription.pk])
    assert client.get(replay_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(replay_url, {"after": first.position - 1}, follow=True)
    assert callbacks  # the deliveries are queued once the replay commits
    assert f"2 events after position {first.position - 1} are queued" in response.text
    deliveries = Delivery.objects.filter(subscription=subscription).order_by("position")
    assert [(d.event, d.state) for d in deliveries] == [
        (first, Delivery.State.PENDING),
        (second, Delivery.State.PENDING),
    ]
    assert other.position not in [d.position for d in deliveries]
    entry = ModelLogEntry.objects.get(action=REPLAYED)
    assert entry.data == {"after": first.position - 1, "events": 2}

    # Nothing to replay after the last position; a position must be a number.
    response = client.post(replay_url, {"after": second.position}, follow=True)
    assert f"0 events after position {second.position} are queued" in response.text
    assert client.post(replay_url, {"after": "²"}).status_code == 200
    assert ModelLogEntry.objects.filter(action=REPLAYED).count() == 2


# --- Deliveries -------------------------------------------------------------------------------


def failed_delivery(subscription, event):
    """The event's delivery to the subscription (the fan-out made it, or it is made now),
    failed after its retries, with one attempt in its log."""
    delivery, _created = Delivery.objects.get_or_create(
        subscription=subscription,
        event=event,
        defaults={"position": event.position, "subject": event.subject, "kind": event.kind},
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED,
        attempts=6,
        last_status=503,
        last_error="HTTP 503",
        last_attempt_at=timezone.now(),
    )
    DeliveryAttempt.objects.create(
        delivery=delivery,
        url=subscription.url,
        status=503,
        response_excerpt="Bảo trì hệ thống",
        error="HTTP 503",
        duration_ms=42,
    )
    delivery.refresh_from_db()
    return delivery


def test_a_delivery_shows_its_attempts_and_resend_makes_it_pending(
    client, administrator, api_client
):
    subscription = subscribe(api_client)
    event = linked(officer_in("03172"))
    delivery = failed_delivery(subscription, event)
    logged_in(client, administrator)
    index = client.get(reverse("webhook_delivery:index"), {"state": "failed"})
    resend_url = reverse("webhook_delivery:resend", args=[delivery.pk])
    assert index.status_code == 200 and resend_url in index.text
    assert reverse("webhook_delivery:inspect", args=[delivery.pk]) in index.text
    assert (
        resend_url not in client.get(reverse("webhook_delivery:index"), {"state": "pending"}).text
    )
    inspect = client.get(reverse("webhook_delivery:inspect", args=[delivery.pk]))
    assert inspect.status_code == 200 and resend_url in inspect.text
    assert "Bảo trì" in inspect.text and RECEIVER in inspect.text
    assert reverse("feed_event:inspect", args=[event.pk]) in inspect.text
    assert client.get(resend_url).status_code == 200

    response = client.post(resend_url, {"next": reverse("webhook_delivery:index")})
    assert response.status_code == 302 and response.url == reverse("webhook_delivery:index")
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 0
    entry = ModelLogEntry.objects.get(action=RESENT)
    assert entry.object_id == str(delivery.pk) and entry.user == administrator
    assert entry.data["attempts"] == 6 and entry.data["state"] == "failed"
    assert client.get(reverse("webhook_delivery:history", args=[delivery.pk])).status_code == 200


def test_watchers_see_the_push_but_change_nothing(client, api_client):
    subscription = subscribe(api_client)
    event = linked(officer_in("03172"))
    delivery = failed_delivery(subscription, event)
    watchers = Group.objects.create(name="Push watchers")
    watchers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_outboxevent"),
    )
    watcher = UserFactory(username="xem.sukien")
    watcher.groups.add(watchers)
    logged_in(client, watcher)
    for url in (
        reverse("feed_event:index"),
        reverse("feed_event:inspect", args=[event.pk]),
        reverse("webhook_subscription:index"),
        reverse("webhook_subscription:inspect", args=[subscription.pk]),
        reverse("webhook_delivery:index"),
        reverse("webhook_delivery:inspect", args=[delivery.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "/resend/" not in page.text and "/rotate/" not in page.text, url
    home = reverse("wagtailadmin_home")
    for url in (
        reverse("webhook_subscription:add"),
        reverse("webhook_subscription:edit", args=[subscription.pk]),
        reverse("webhook_subscription:rotate", args=[subscription.pk]),
        reverse("webhook_subscription:replay", args=[subscription.pk]),
        reverse("webhook_delivery:resend", args=[delivery.pk]),
    ):
        assert client.post(url).url == home, url
    assert subscription.secrets.count() == 1
    assert not ModelLogEntry.objects.filter(action__startswith="procedure_system.").exists()
    # Read-only: the feed and the deliveries have no add, edit or delete views.
    assert client.get(f"/admin/feed_event/edit/{event.pk}/").status_code == 404
    assert client.get(f"/admin/webhook_delivery/delete/{delivery.pk}/").status_code == 404


def test_the_feed_filters_by_kind_and_unit(client, administrator, dien_bien):
    here, elsewhere = officer_in("03172"), officer_in("03181")
    mine, theirs = linked(here), linked(elsewhere)
    logged_in(client, administrator)

    def listed(**query):
        text = client.get(reverse("feed_event:index"), query).text
        return {e for e in (mine, theirs) if reverse("feed_event:inspect", args=[e.pk]) in text}

    assert listed() == {mine, theirs}
    assert listed(unit=unit("03172").pk) == {mine}
    assert listed(unit=unit("11").pk) == {mine, theirs}  # a province: its communes' events
    assert listed(kind=Kind.ACCOUNT_LINKED) == {mine, theirs}
    assert listed(kind=Kind.REVOKED) == set()
    inspect = client.get(reverse("feed_event:inspect", args=[mine.pk]))
    assert inspect.status_code == 200 and "officer:" in inspect.text


# --- Listings cost the same, whatever their length ----------------------------------------------


def queries_of(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_listing_queries_do_not_grow_with_rows(
    client, administrator, dien_bien, django_assert_max_num_queries
):
    logged_in(client, administrator)
    officer = officer_in("03172")
    urls = [
        reverse("feed_event:index"),
        reverse("webhook_subscription:index"),
        reverse("webhook_delivery:index"),
    ]

    def grow(count):
        for _n in range(count):
            api_client, _token = make_client("03172", name=f"Khách {Subscription.objects.count()}")
            subscription = subscribe(api_client, name=f"Đăng ký {api_client.pk}")
            failed_delivery(subscription, linked(officer))

    grow(2)
    baseline = {url: queries_of(client, url) for url in urls}
    grow(10)
    assert Delivery.objects.count() >= 12
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200


# --- Every page, in the default language and in English ----------------------------------------


@pytest.mark.parametrize("language", [None, "en"])
def test_every_page_opens_in_each_language(client, administrator, api_client, language, settings):
    settings.PROCEDURE_SYSTEM_EVENTS_URL = "https://motcua.dienbien.example.vn/su-kien"
    settings.PROCEDURE_SYSTEM_SECRET = "bí-mật"
    environment = feed.environment_subscription()
    subscription = subscribe(api_client, disabled_at=timezone.now(), disabled_reason="HTTP 503")
    event = linked(officer_in("03172"))
    delivery = failed_delivery(subscription, event)
    logged_in(client, administrator, language=language)
    pages = [
        reverse("feed_event:index"),
        reverse("feed_event:inspect", args=[event.pk]),
        reverse("webhook_subscription:index"),
        reverse("webhook_subscription:add"),
        reverse("webhook_delivery:index"),
        reverse("webhook_delivery:inspect", args=[delivery.pk]),
        reverse("webhook_delivery:resend", args=[delivery.pk]),
    ]
    for pk in (subscription.pk, environment.pk):
        pages += [
            reverse(f"webhook_subscription:{name}", args=[pk])
            for name in ("inspect", "rotate", "enable", "replay", "history")
        ]
    pages.append(reverse("webhook_subscription:edit", args=[subscription.pk]))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    menu = client.get(reverse("wagtailadmin_home")).text
    for name in ("feed_event:index", "webhook_subscription:index", "webhook_delivery:index"):
        assert reverse(name) in menu
    assert SigningSecret.objects.filter(subscription=subscription).count() == 1
