"""Learner pages of the signing exercise: the instructions, the upload of the signed PDF, and
what the check found. An officer only ever sees their own submissions, a page at a time; the
uploaded files are kept for the record (see ``submissions``) and never served."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from . import signatures
from .completion import exercise_round_started, passed_submissions
from .models import SigningExercise, SigningSubmission
from .submissions import KEPT_FILES, LATEST_FIRST, record_submission
from .views import _officer

# A phone screen's worth: the list sits under the upload form.
SUBMISSIONS_PER_PAGE = 10


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


def _render(request, exercise, officer, form, shown=None):
    mine = SigningSubmission.objects.filter(exercise=exercise, officer=officer)
    # get_page() turns a page that is not a number, or past the end, into the first or last.
    submissions = Paginator(mine.order_by(*LATEST_FIRST), SUBMISSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    report = signatures.SignatureReport.from_json(shown.checks) if shown else None
    return render(
        request,
        "assessments/exercise.html",
        {
            "exercise": exercise,
            "form": form,
            "submissions": submissions,
            "kept_files": KEPT_FILES,
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
