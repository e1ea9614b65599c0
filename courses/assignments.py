"""HR assigns a course with a deadline: who it reaches, and enrolling them."""

from django.db import transaction

from officers.models import Officer
from toolkit.db import chunked

from .models import Enrolment
from .progress import deadline_applies


def officers_reached(assignment):
    """Officers in the unit (and under it) holding the position, plus the named officers."""
    reached = Officer.objects.none()
    if assignment.unit_id or assignment.job_position_id:
        reached = Officer.objects.all()
        if assignment.unit_id:
            reached = reached.in_unit(assignment.unit)
        if assignment.job_position_id:
            reached = reached.filter(job_position=assignment.job_position)
    named = assignment.officers.all() if assignment.pk else Officer.objects.none()
    return Officer.objects.filter(pk__in=reached.values("pk")) | Officer.objects.filter(
        pk__in=named.values("pk")
    )


@transaction.atomic
def apply_assignment(assignment):
    """Enrol everyone the assignment reaches; an earlier deadline wins. Returns the count."""
    officer_ids = set(officers_reached(assignment).values_list("pk", flat=True))
    existing = {}
    for ids in chunked(sorted(officer_ids)):
        existing.update(
            (e.officer_id, e)
            for e in Enrolment.objects.filter(course=assignment.course, officer_id__in=ids)
        )
    to_create = [
        Enrolment(
            officer_id=officer_id,
            course=assignment.course,
            source=Enrolment.Source.ASSIGNED,
            deadline=assignment.deadline,
            assignment=assignment,
        )
        for officer_id in officer_ids - set(existing)
    ]
    to_update = []
    for enrolment in existing.values():
        if deadline_applies(enrolment, assignment.deadline, assignment):
            enrolment.deadline, enrolment.assignment = assignment.deadline, assignment
            to_update.append(enrolment)
    Enrolment.objects.bulk_create(to_create, batch_size=500)
    Enrolment.objects.bulk_update(to_update, ["deadline", "assignment"], batch_size=500)
    return len(officer_ids)
