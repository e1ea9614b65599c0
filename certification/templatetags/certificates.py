"""Certificates shown on course pages: courses' templates load these tags, so the course code
never asks certification anything (courses sits below certification).

    {% load certificates %}
    {% latest_certificates officer as certificates %}   {# once per page: one query #}
    {% course_certificate officer enrolment certificates link=True %}
"""

from django import template

from ..issuing import latest_certificates as latest_certificates_of
from ..renewal import may_take_again

register = template.Library()


@register.simple_tag
def latest_certificates(officer, course=None):
    """The officer's latest certificate for each course, by course id (one query)."""
    return latest_certificates_of(officer, course)


@register.inclusion_tag("certification/includes/course_certificate.html")
def course_certificate(officer, enrolment, certificates=None, link=False):
    """For the officer's completed enrolment in a certifying course: a link to the certificate
    earned (when `link`), and the offer to take the course again once it is due for renewal.
    `certificates`: from latest_certificates, when the page lists several courses."""
    course = enrolment.course if enrolment else None
    if not (officer and enrolment and enrolment.completed_at and course.issues_certificate):
        return {"certificate": None}
    if certificates is None:
        certificates = latest_certificates_of(officer, course)
    return {
        "certificate": certificates.get(course.pk),
        "course": course,
        "link": link,
        "may_take_again": may_take_again(officer, enrolment, certificates=certificates),
    }
