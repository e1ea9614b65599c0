"""Refuses, with a 400 page that says why, request input no view of the platform can take.

- A NUL character anywhere in the query string or a form's fields: PostgreSQL refuses it in
  text ("A string literal cannot contain NUL"), so any search or filter that passes it to the
  database would answer 500. No real form or link ever sends one.
- A whole number beyond 64 bits ("?unit=99999999999999999999"): SQLite cannot bind it, and
  Django's model choice fields and `__in` lookups let the OverflowError through. No id, page
  or count of the platform comes near that size.

Everything else is left to the views and forms, which check their own fields and say what is
wrong in Vietnamese (or English). The procedure system's API is left out: it checks every
parameter against its published schema and answers bad input with a 422 in that schema's form,
which the vendor's client is written to read; an HTML page would break that contract.
"""

import re

from django.shortcuts import render
from django.utils.translation import gettext as _

NUMBER = re.compile(r"[+-]?[0-9]+")
LARGEST = 2**63 - 1
SELF_CHECKING_PREFIXES = ("/api/",)


def _values(request):
    for query in (request.GET, request.POST if _is_form(request) else None):
        if query is None:
            continue
        for key, values in query.lists():
            yield key
            yield from values


def _is_form(request):
    # Files and JSON bodies are the views' to check; only form fields are read here.
    return request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    )


def problem(request):
    """What is wrong with the request's input, or None."""
    for value in _values(request):
        if "\x00" in value:
            return _("The address or the form contains a NUL character, which is not allowed.")
        if len(value) > 18 and NUMBER.fullmatch(value) and abs(int(value)) > LARGEST:
            return _("The address or the form contains a number that is far too large.")
    return None


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(SELF_CHECKING_PREFIXES):
            return self.get_response(request)
        reason = problem(request)
        if reason is not None:
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)
