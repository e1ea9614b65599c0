"""Drawing one cell of a report table; the value is the one the downloads hold."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from reports.queries import Status

register = template.Library()

EMPTY = "—"


@register.simple_tag
def report_cell(value, kind, link=None):
    if kind == "status":
        if not value:
            return EMPTY
        status = Status(value)
        return format_html(
            '<span class="report-status report-status--{}">{}</span>', status.value, status.label
        )
    if value is None:
        return EMPTY
    if value == "":
        return ""
    if kind == "rate":
        text = number_format(value, 1)
    elif kind == "int":
        text = number_format(value, force_grouping=True)
    elif kind == "date":
        text = value.strftime("%d/%m/%Y")
    else:
        text = str(value)
    if link:
        return format_html('<a href="{}">{}</a>', link, text)
    return text
