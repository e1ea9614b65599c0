"""Certificates on the public site: the verification page, an officer's certificates, the PDF,
and taking a course again to renew its certificate."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage, Enrolment
from courses.progress import officer_of
from security.rate_limit import rate_limited

from . import pdf, renewal
from .models import CODE_ALPHABET, RENEWAL_WINDOW, Certificate

CODE_LENGTH = len("KNS-XXXX-XXXX")


def normalize_code(code):
    """A code as typed or read aloud: upper case, only letters, digits and dashes kept (no
    code holds anything else, and a "/" could not be part of the page's address), the prefix's
    dashes added."""
    code = re.sub(r"[^A-Z0-9-]", "", str(code).upper())
    body = code.removeprefix("KNS").replace("-", "")
    if len(body) == 8 and all(letter in CODE_ALPHABET for letter in body):
        return f"KNS-{body[:4]}-{body[4:]}"
    return code[: CODE_LENGTH + 10]


def status_message(certificate):
    """What the status means, in a sentence, for the verification page."""
    status = certificate.effective_status
    Status = Certificate.Status
    if status == Status.VALID:
        if certificate.expires_at:
            return _("This certificate is valid until %(date)s.") % {
                "date": _local_date(certificate.expires_at)
            }
        return _("This certificate is valid. It does not expire.")
    if status == Status.EXPIRED:
        return _("This certificate expired on %(date)s. It is no longer valid.") % {
            "date": _local_date(certificate.expires_at or certificate.status_changed_at)
        }
    if status == Status.REVOKED:
        return _("This certificate was revoked on %(date)s. It is no longer valid.") % {
            "date": _local_date(certificate.status_changed_at)
        }
    return _("This certificate was replaced by a renewal on %(date)s.") % {
        "date": _local_date(certificate.status_changed_at)
    }


def _local_date(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def verify_lookup(request):
    """A form to type a code found on a paper certificate; sends to its verification page."""
    code = normalize_code(request.GET.get("code", ""))[:40]
    if code:
        return redirect("certificate_verify", code=code)
    return _noindex(render(request, "certification/verify_lookup.html"))


@never_cache
@require_GET
@rate_limited("certificate_verify")  # no guessing codes in a loop
def verify(request, code):
    """Public: anyone holding a certificate (or its QR code) can check it. Shows only what the
    certificate itself says, and its status."""
    normal = normalize_code(code)
    if normal and normal != code:
        return redirect("certificate_verify", code=normal)
    certificate = (
        Certificate.objects.select_related("officer", "renewed_by").filter(code=code).first()
    )
    if certificate is None:
        return _noindex(
            render(request, "certification/verify_not_found.html", {"code": code}, status=404)
        )
    renewal = None
    if certificate.status == Certificate.Status.SUPERSEDED:
        renewal = getattr(certificate, "renewed_by", None)
    return _noindex(
        render(
            request,
            "certification/verify.html",
            {
                "certificate": certificate,
                "status": certificate.effective_status,
                "status_label": certificate.get_effective_status_display(),
                "status_message": status_message(certificate),
                "renewal": renewal,
            },
        )
    )


@login_required
def my_certificates(request):
    officer = officer_of(request.user)
    certificates = (
        Certificate.objects.filter(officer=officer).select_related("course")
        if officer
        else Certificate.objects.none()
    )
    return render(
        request,
        "certification/my_certificates.html",
        {
            "officer": officer,
            "certificates": [
                {
                    "certificate": certificate,
                    "status": certificate.effective_status,
                    "status_label": certificate.get_effective_status_display(),
                    "downloadable": may_download(request.user, certificate),
                }
                for certificate in certificates
            ],
        },
    )


def may_download(user, certificate):
    """The officer themselves (unless the certificate was revoked: it was withdrawn), HR whose
    area holds the officer, and administrators."""
    officer = officer_of(user)
    if officer is not None and certificate.officer_id == officer.pk:
        return certificate.status != Certificate.Status.REVOKED
    return Certificate.objects.visible_to(user).filter(pk=certificate.pk).exists()


@login_required
@require_GET
def download(request, code):
    certificate = Certificate.objects.filter(code=code).first()
    # Anyone else is told nothing, not even that the code exists.
    if certificate is None or not may_download(request.user, certificate):
        raise Http404
    pdf.ensure_signed_pdf(certificate)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=pdf.pdf_filename(certificate),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def take_again(request, course_id):
    """Start a new round of a completed course, to renew its certificate."""
    officer = officer_of(request.user)
    if officer is None:
        raise PermissionDenied(_("Only officers can take courses."))
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    enrolment = get_object_or_404(Enrolment, officer=officer, course=course)
    try:
        renewal.start_new_round(enrolment)
    except renewal.RenewalNotAllowed:
        messages.error(
            request,
            _(
                "You can take “%(course)s” again only when your certificate has expired or "
                "will expire within %(days)s days."
            )
            % {"course": course.title, "days": RENEWAL_WINDOW.days},
        )
        return redirect(course.url)
    messages.success(
        request,
        _(
            "You are taking “%(course)s” again. Complete its lessons and quizzes to renew your "
            "certificate."
        )
        % {"course": course.title},
    )
    first = course.lessons().first()
    return redirect(first.url if first else course.url)
