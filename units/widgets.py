from django import forms
from django.utils.translation import gettext_lazy as _


class UnitSelect(forms.Select):
    """A list of administrative units with a search box above it (units/unit_search.js, loaded
    on every admin page): a national list holds over three thousand communes."""

    def __init__(self, attrs=None, choices=()):
        attrs = {"data-unit-search": _("Search by name or code…"), **(attrs or {})}
        super().__init__(attrs, choices)
