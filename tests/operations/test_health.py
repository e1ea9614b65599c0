"""/health/ and /health/live/: what a monitor or load balancer sees when things go wrong."""

import json
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from operations import health
from procedure_system import delivery
from procedure_system.models import ApiClient, Delivery, OutboxEvent, Subscription

SECRET_DETAIL = "password authentication failed for user kns_prod on db.internal"


def get_health(client, path="/health/"):
    response = client.get(path)
    return response, json.loads(response.content)


def ready_task(waiting_for, run_after=None, backend="queue"):
    """A ready task of the database queue that became due `waiting_for` ago."""
    task = DBTaskResult.objects.create(
        args_kwargs={"args": [str(uuid.uuid4())], "kwargs": {}},
        task_path="procedure_system.delivery.deliver_delivery",
        backend_name=backend,
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waiting_for)
    return task


@pytest.fixture(autouse=True)
def _deliveries_reported(monkeypatch):
    # What ProcedureSystemConfig.ready registers (operations imports no app).
    monkeypatch.setitem(health.PROBLEM_SOURCES, "deliveries", delivery.health_problems)


@pytest.mark.django_db
def test_healthy_platform_answers_200_with_each_check(client):
    response, body = get_health(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "queue", "deliveries"}
    assert body["checks"]["deliveries"]["problems"] == []
    assert all(check["status"] == "ok" for check in body["checks"].values())
    assert body["checks"]["queue"]["ready"] == 0


@pytest.mark.django_db
def test_database_down_answers_503_without_saying_why(client, caplog):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError(SECRET_DETAIL)):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "error"
    assert body["checks"]["cache"]["status"] == "ok"
    assert body["checks"]["deliveries"] == {"status": "error", "skipped": True}
    # The reason is in the log for the operator, never in the public answer.
    assert SECRET_DETAIL not in response.content.decode()
    assert SECRET_DETAIL in caplog.text


@pytest.mark.django_db
def test_cache_failing_answers_503(client):
    with mock.patch.object(health.cache, "set", side_effect=ConnectionError("redis down")):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["cache"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_cache_losing_values_answers_503(client):
    with mock.patch.object(health.cache, "get", return_value=None):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["cache"]["status"] == "error"


@pytest.mark.django_db
def test_a_task_waiting_longer_than_the_limit_means_no_worker_runs(client, settings):
    settings.HEALTH_QUEUE_MAX_AGE = 300
    ready_task(timedelta(seconds=30))
    ready_task(timedelta(minutes=20))
    response, body = get_health(client)
    assert response.status_code == 503
    queue = body["checks"]["queue"]
    assert queue["status"] == "error"
    assert queue["ready"] == 2
    assert 20 * 60 <= queue["oldest_age_seconds"] < 21 * 60
    assert queue["max_age_seconds"] == 300


@pytest.mark.django_db
def test_recent_and_future_tasks_are_healthy(client, settings):
    settings.HEALTH_QUEUE_MAX_AGE = 300
    ready_task(timedelta(seconds=30))
    # Enqueued long ago for a retry in an hour: not late, and not ready yet.
    ready_task(timedelta(hours=2), run_after=timezone.now() + timedelta(hours=1))
    # Another backend's tasks are not the queue's business.
    ready_task(timedelta(hours=2), backend="default")
    response, body = get_health(client)
    assert response.status_code == 200
    assert body["checks"]["queue"]["ready"] == 1
    assert body["checks"]["queue"]["oldest_age_seconds"] < 300


@pytest.mark.django_db
def test_a_retry_counts_from_when_it_became_due(client, settings):
    settings.HEALTH_QUEUE_MAX_AGE = 300
    ready_task(timedelta(hours=3), run_after=timezone.now() - timedelta(minutes=10))
    response, body = get_health(client)
    assert response.status_code == 503
    assert 600 <= body["checks"]["queue"]["oldest_age_seconds"] < 660


@pytest.mark.django_db
def test_liveness_touches_neither_database_nor_cache(client, django_assert_num_queries):
    with (
        django_assert_num_queries(0),
        mock.patch.object(health.cache, "set", side_effect=AssertionError),
    ):
        response, body = get_health(client, "/health/live/")
    assert response.status_code == 200
    assert body == {"status": "ok"}


@pytest.mark.django_db
def test_health_needs_no_login_and_no_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/health/live/").status_code == 200
    # Every other address still goes to HTTPS.
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_health_refuses_writes(client):
    assert client.post("/health/").status_code == 405


# --- Webhook deliveries ----------------------------------------------------------------------


def a_delivery(subscription, position, state=Delivery.State.PENDING, due_ago=timedelta(0)):
    event = OutboxEvent.objects.create(
        kind=OutboxEvent.Kind.ISSUED,
        subject=f"certificate:{position}",
        subject_rank=1,
        position=position,
        payload={},
    )
    return Delivery.objects.create(
        subscription=subscription,
        event=event,
        position=position,
        subject=event.subject,
        kind=event.kind,
        state=state,
        next_attempt_at=timezone.now() - due_ago,
    )


@pytest.fixture
def subscription(db):
    client = ApiClient.objects.create(name="Một cửa tỉnh", token_prefix="kns_test", token_hash="x")
    return Subscription.objects.create(client=client, name="Một cửa", url="https://example.vn/h")


@pytest.mark.django_db
def test_a_failed_delivery_answers_503_naming_no_receiver(client, subscription):
    a_delivery(subscription, 1, state=Delivery.State.FAILED)
    response, body = get_health(client)
    assert response.status_code == 503
    deliveries = body["checks"]["deliveries"]
    assert deliveries["status"] == "error"
    assert deliveries["problems"] == ["failed deliveries: 1 (retried for the whole retry span)"]
    assert "example.vn" not in response.content.decode()
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_a_delivery_due_for_more_than_15_minutes_is_stuck(client, subscription):
    a_delivery(subscription, 1, due_ago=timedelta(minutes=5))  # a worker will take it soon
    response, body = get_health(client)
    assert response.status_code == 200

    a_delivery(subscription, 2, due_ago=timedelta(minutes=20))
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["checks"]["deliveries"]["problems"] == [
        "stuck deliveries: 1 (due for more than 15 minutes)"
    ]


@pytest.mark.django_db
def test_a_delivery_waiting_behind_an_earlier_one_is_not_stuck(client, subscription):
    earlier = a_delivery(subscription, 1)
    Delivery.objects.filter(pk=earlier.pk).update(
        next_attempt_at=timezone.now() + timedelta(hours=2)
    )
    later = a_delivery(subscription, 2, due_ago=timedelta(hours=1))
    Delivery.objects.filter(pk=later.pk).update(subject=earlier.subject)
    response, body = get_health(client)
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_disabled_subscription_answers_503_until_it_is_enabled(client, subscription):
    a_delivery(subscription, 1, due_ago=timedelta(hours=1))
    Subscription.objects.filter(pk=subscription.pk).update(
        disabled_at=timezone.now(), disabled_reason="No successful delivery for 3 days"
    )
    response, body = get_health(client)
    assert response.status_code == 503
    # Its waiting deliveries are not stuck: they wait for it to be enabled.
    assert body["checks"]["deliveries"]["problems"] == ["disabled webhook subscriptions: 1"]
    assert "No successful" not in response.content.decode()

    delivery.enable(refreshed(subscription))
    Delivery.objects.update(next_attempt_at=timezone.now())
    response, body = get_health(client)
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_switched_off_subscription_is_nobodys_alarm(client, subscription):
    a_delivery(subscription, 1, state=Delivery.State.FAILED)
    a_delivery(subscription, 2, due_ago=timedelta(hours=1))
    Subscription.objects.filter(pk=subscription.pk).update(
        is_active=False, disabled_at=timezone.now()
    )
    response, body = get_health(client)
    assert response.status_code == 200


def refreshed(instance):
    instance.refresh_from_db()
    return instance
