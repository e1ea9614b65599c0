"""What happens when an officer completes a course, in one place.

Other parts of the platform (certification, reports) react by adding a handler's dotted path to
settings.COURSE_COMPLETION_HANDLERS; each is called with the completed enrolment, inside the
transaction that recorded the completion.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def on_course_completed(enrolment):
    for path in getattr(settings, "COURSE_COMPLETION_HANDLERS", []):
        import_string(path)(enrolment)
