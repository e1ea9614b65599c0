"""Learner pages of the signing exercise: the instructions, the upload of the signed PDF, and
what the check found. An officer only ever sees their own submissions; the uploaded files are
kept for the record and never served."""

import logging
import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import signatures
from .completion import exercise_round_started, on_submission_checked, passed_submissions
from .models import SigningExercise, SigningSubmission
from .views import _officer

logger = logging.getLogger(__name__)


class SignedPdfForm(forms.Form):
    file = forms.FileField(
        label=_("Your signed PDF file"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the language of the request.
        self.fields["file"].help_text = _(
            "The PDF document after you signed it, at most %(limit)s MB."
        ) % {"limit": signatures.MAX_MEGABYTES}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read: the checks never hold a file this large in memory.
        if upload.size > signatures.MAX_BYTES:
            raise forms.ValidationError(
                signatures.MESSAGES["too_large"], params={"limit": signatures.MAX_MEGABYTES}
            )
        return upload


def record_submission(exercise, officer, upload, now=None):
    """Check the uploaded PDF, keep it with the report, and complete courses it finishes."""
    data = upload.read()
    try:
        roots = exercise.certificates()
    except signatures.TrustRootError:
        # clean() refuses such roots; one saved around it trusts nothing rather than crash.
        logger.error("Signing exercise %s has unreadable trust roots", exercise.slug)
        roots = []
    report = signatures.check_signed_pdf(data, roots, now=now)
    submission = SigningSubmission(
        exercise=exercise,
        officer=officer,
        original_name=(upload.name or "")[-255:],
        submitted_at=now or timezone.now(),
        passed=report.passed,
        checks=report.as_json(),
    )
    # An unguessable name: the file is never linked, and must not be found by guessing.
    submission.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(data), save=False)
    with transaction.atomic():
        submission.save()
        on_submission_checked(submission)
    return submission


def _render(request, exercise, officer, form, shown=None):
    submissions = list(
        SigningSubmission.objects.filter(exercise=exercise, officer=officer).order_by(
            "-submitted_at", "-pk"
        )
    )
    report = signatures.SignatureReport.from_json(shown.checks) if shown else None
    return render(
        request,
        "assessments/exercise.html",
        {
            "exercise": exercise,
            "form": form,
            "submissions": submissions,
            "has_passed": passed_submissions(officer, exercise_round_started(officer, exercise))
            .filter(exercise=exercise)
            .exists(),
            "shown": shown,
            "report_groups": report.by_signature() if report else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def exercise_page(request, slug):
    # Learners work on the live version; an exercise not yet approved does not exist.
    exercise = get_object_or_404(SigningExercise.live_objects(), slug=slug)
    officer = _officer(request)
    form = SignedPdfForm()
    if request.method == "POST":
        form = SignedPdfForm(request.POST, request.FILES)
        if form.is_valid():
            submission = record_submission(exercise, officer, form.cleaned_data["file"])
            return redirect("signing_submission", slug=exercise.slug, submission_id=submission.pk)
    return _render(request, exercise, officer, form)


@login_required
def submission_page(request, slug, submission_id):
    exercise = get_object_or_404(SigningExercise.live_objects(), slug=slug)
    officer = _officer(request)
    # Someone else's submission does not exist for this officer.
    shown = get_object_or_404(
        SigningSubmission, pk=submission_id, exercise=exercise, officer=officer
    )
    return _render(request, exercise, officer, SignedPdfForm(), shown=shown)
