from django import template

from ..rich_text import render

register = template.Library()


@register.filter
def clean_html(text):
    """Question rich text made safe to show: Wagtail's embeds expanded (images as renditions
    no larger than 800 px), then sanitised with nh3: questions come from imported files too
    (Moodle exports), so scripts, event handlers and the like are removed whatever their source."""
    return render(text)
