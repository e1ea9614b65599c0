"""Wagtail admin for the change feed: every event, read-only (an event records what happened).

Needs view_outboxevent. Filtering by unit finds the events of that unit and of every unit
under it, on either side of a move.
"""

import json

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from units.models import AdministrativeUnit, within_q

from .models import OutboxEvent
from .outbox_admin import InspectDisplayMixin, ReadOnlyViewSetMixin, field_label, or_dash


def current_units(request=None):
    return AdministrativeUnit.objects.current().order_by("level", "code")


class FeedEventFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Event"), choices=OutboxEvent.Kind.choices)
    unit = django_filters.ModelChoiceFilter(
        label=_("Administrative unit"), queryset=current_units, method="filter_unit"
    )

    class Meta:
        model = OutboxEvent
        fields = ["kind", "unit"]

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(within_q(unit, "unit") | within_q(unit, "previous_unit"))


class FeedEventIndexView(IndexView):
    default_ordering = "-position"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "previous_unit")


class FeedEventInspectView(InspectDisplayMixin, InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            OutboxEvent.objects.select_related("unit", "previous_unit", "certificate", "officer"),
            pk=self.pk,
        )

    def get_payload_display_value(self):
        return format_html(
            "<pre>{}</pre>", json.dumps(self.object.payload, ensure_ascii=False, indent=2)
        )


def unit_of(event):
    if event.kind == OutboxEvent.Kind.MOVED and event.previous_unit_id:
        return f"{or_dash(event.previous_unit)} → {or_dash(event.unit)}"
    return or_dash(event.unit)


class FeedEventViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = OutboxEvent
    icon = "list-ol"
    menu_label = _("Events for the procedure system")
    add_to_settings_menu = True
    index_view_class = FeedEventIndexView
    inspect_view_class = FeedEventInspectView
    filterset_class = FeedEventFilterSet
    list_display = [
        "kind",
        Column(
            "position",
            label=field_label(OutboxEvent, "position"),
            sort_key="position",
            accessor=lambda event: or_dash(event.position),
        ),
        Column("subject", label=field_label(OutboxEvent, "subject")),
        Column("unit", label=field_label(OutboxEvent, "unit"), accessor=unit_of),
        DateColumn(
            "occurred_at", label=field_label(OutboxEvent, "occurred_at"), sort_key="occurred_at"
        ),
    ]
    inspect_view_fields = [
        "id",
        "position",
        "kind",
        "subject",
        "subject_rank",
        "unit",
        "previous_unit",
        "certificate",
        "officer",
        "occurred_at",
        "created_at",
        "payload",
    ]

    def get_urlpatterns(self):
        return self.read_only_urlpatterns()


feed_event_viewset = FeedEventViewSet("feed_event")
