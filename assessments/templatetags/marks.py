from decimal import Decimal

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def mark(value):
    """A mark as people write it: 1.5000 → “1,5” in Vietnamese, 2.0000 → “2”."""
    if value is None or value == "":
        return ""
    plain = Decimal(format(Decimal(value).normalize(), "f"))
    return formats.number_format(plain, use_l10n=True)
