"""An officer's uploads for a signing exercise: recording one, and how many files are kept.

Every upload is checked and its result kept: results are small, they are the officer's history
of attempts, and a passing one is what completes a course. The uploaded files are large (up
to 10 MB) and only kept for the record, so only the files of the officer's latest
``KEPT_FILES`` uploads for the exercise, and of their latest passing one, stay in storage.
Nobody is refused another try: an officer who keeps failing is still learning, and a limit
would lock them out of the course.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import signatures
from .completion import on_submission_checked
from .models import SigningSubmission, private_storage

logger = logging.getLogger(__name__)

KEPT_FILES = 5
LATEST_FIRST = ("-submitted_at", "-pk")


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
        forget_old_files(exercise, officer)
    return submission


def forget_old_files(exercise, officer):
    """Delete the files of the officer's older uploads for the exercise; keep their results.

    A fixed handful of queries however many uploads there are."""
    with_file = SigningSubmission.objects.filter(exercise=exercise, officer=officer).exclude(
        file=""
    )
    keep = list(with_file.order_by(*LATEST_FIRST).values_list("pk", flat=True)[:KEPT_FILES])
    keep += with_file.filter(passed=True).order_by(*LATEST_FIRST).values_list("pk", flat=True)[:1]
    old = with_file.exclude(pk__in=keep)
    names = list(old.values_list("file", flat=True))
    if not names:
        return
    old.update(file="")
    storage = private_storage()

    def delete_files():
        for name in names:
            storage.delete(name)

    # Only once the rows say so: a rolled-back upload must not lose an older file.
    transaction.on_commit(delete_files)
