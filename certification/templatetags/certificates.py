"""Certificates next to the courses they were earned in (the learner's "My courses" page)."""

from django import template

from certification.models import Certificate

register = template.Library()


@register.simple_tag
def certificates_by_course(officer):
    """The officer's latest certificate for each course, revoked ones left out (one query)."""
    if officer is None:
        return {}
    certificates = (
        Certificate.objects.filter(officer=officer)
        .exclude(status=Certificate.Status.REVOKED)
        .order_by("issued_at", "pk")
        .only("code", "course_id", "status", "expires_at", "issued_at")
    )
    return {certificate.course_id: certificate for certificate in certificates}


@register.filter
def certificate_for(certificates, course_id):
    return certificates.get(course_id)
