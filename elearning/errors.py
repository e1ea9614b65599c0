"""Error pages Django answers with where its defaults would puzzle an officer.

A request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE raises RequestDataTooBig, which Django
answers as a bare 400 "Bad Request". It gets the page nginx shows for an upload beyond
client_max_body_size instead (elearning/static/errors/413.html, Vietnamese and English), with
status 413: one page, whichever of the two refuses the upload.
"""

from functools import cache

from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.views import defaults

TOO_LARGE_PAGE = "errors/413.html"


@cache
def _too_large_page():
    with open(finders.find(TOO_LARGE_PAGE), "rb") as page:
        return page.read()


def too_large(request):
    return HttpResponse(_too_large_page(), status=413, content_type="text/html; charset=utf-8")


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    return defaults.bad_request(request, exception, template_name)
