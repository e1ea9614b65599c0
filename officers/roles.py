"""The platform's roles, as Django groups (kept equal to PERMISSIONS by officers.role_groups).

Group names are stable identifiers in English; people see the translated labels.
HR is scoped: an HR officer sees the officers of their own administrative unit and of
every unit under it (a province's HR sees all its communes).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from units.models import within_q

LEARNER = "Learner"
TRAINER = "Trainer"
REVIEWER = "Reviewer"
HR = "HR"
ADMINISTRATOR = "Administrator"

LABELS = {
    LEARNER: _("Learner"),
    TRAINER: _("Trainer"),
    REVIEWER: _("Reviewer"),
    HR: _("HR"),
    ADMINISTRATOR: _("Administrator"),
}

# Keeping the question bank: questions, their categories, quizzes and signing exercises.
QUESTION_BANK = [
    ("assessments", f"{action}_{model}")
    for model in ("question", "questioncategory", "quiz", "signingexercise")
    for action in ("add", "change", "delete", "view")
]

# Questions, quizzes and signing exercises go through the course content review workflow
# (Wagtail snippet versioning): trainers lock what they edit and submit it; reviewers publish.
REVIEWED = ("question", "quiz", "signingexercise")
LOCKING = [("assessments", f"lock_{model}") for model in REVIEWED]
REVIEWING = [
    ("assessments", f"{action}_{model}")
    for model in REVIEWED
    for action in ("view", "change", "publish", "lock", "unlock")
] + [("assessments", "view_questioncategory")]
PUBLISHING = [
    ("assessments", f"{action}_{model}")
    for model in REVIEWED
    for action in ("publish", "lock", "unlock")
]

# Marking essay answers in the marking queue.
MARKING = [("assessments", "view_attempt"), ("assessments", "change_attempt")]

# Certificates: HR and administrators look them up and may revoke them.
CERTIFICATES = [
    ("certification", "view_certificate"),
    ("certification", "revoke_certificate"),
]

# Who issues and signs each province's certificates: administrators only.
CERTIFICATE_ISSUERS = [
    ("certification", f"{action}_certificateissuer")
    for action in ("add", "change", "delete", "view")
]

# The procedure-system link: the change feed and its deliveries (resent by hand), API clients
# and their webhook subscriptions.
PROCEDURE_SYSTEM = [
    ("procedure_system", "view_outboxevent"),
    ("procedure_system", "change_outboxevent"),
    *[
        ("procedure_system", f"{action}_{model}")
        for model in ("apiclient", "subscription")
        for action in ("add", "change", "delete", "view")
    ],
]

# Opening the training reports (each shows only the user's area; see reports.queries.scope_of).
REPORTS = [("reports", "view_reports")]

# Reading the audit log (HR: entries about their area only; see audit.models).
AUDIT = [("audit", "view_auditentry")]

# Apps whose permissions Wagtail checks per collection (images, documents).
COLLECTION_APPS = {"wagtailimages", "wagtaildocs"}

# Permissions each role gets, as (app_label, codename).
PERMISSIONS = {
    LEARNER: [],
    TRAINER: [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
        *QUESTION_BANK,
        *LOCKING,
        *MARKING,
    ],
    # Reviewers approve what trainers submit (the course moderation workflow).
    REVIEWER: [
        ("wagtailadmin", "access_admin"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "choose_document"),
        *REVIEWING,
    ],
    HR: [
        ("wagtailadmin", "access_admin"),
        ("officers", "view_officer"),
        ("officers", "add_officer"),
        ("officers", "change_officer"),
        ("officers", "import_officers"),
        ("courses", "view_assignment"),
        ("courses", "add_assignment"),
        ("courses", "change_assignment"),
        *CERTIFICATES,
        *REPORTS,
        *AUDIT,
    ],
    ADMINISTRATOR: [
        ("wagtailadmin", "access_admin"),
        ("officers", "view_officer"),
        ("officers", "add_officer"),
        ("officers", "change_officer"),
        ("officers", "delete_officer"),
        ("officers", "import_officers"),
        ("courses", "view_assignment"),
        ("courses", "add_assignment"),
        ("courses", "change_assignment"),
        ("courses", "delete_assignment"),
        *QUESTION_BANK,
        *PUBLISHING,
        *MARKING,
        *CERTIFICATES,
        *CERTIFICATE_ISSUERS,
        *PROCEDURE_SYSTEM,
        *REPORTS,
        *AUDIT,
        ("officers", "view_jobposition"),
        ("officers", "add_jobposition"),
        ("officers", "change_jobposition"),
        ("units", "view_administrativeunit"),
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "delete_user"),
        ("auth", "view_user"),
        ("auth", "add_group"),
        ("auth", "change_group"),
        ("auth", "view_group"),
        ("wagtailcore", "add_site"),
        ("wagtailcore", "change_site"),
        *[
            (app_label, f"{action}_{model}")
            for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document"))
            for action in ("add", "change", "delete", "choose")
        ],
    ],
}


def role_names(user):
    """Names of the user's role groups, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user, role):
    return role in role_names(user)


def is_administrator(user):
    return user.is_authenticated and (user.is_superuser or has_role(user, ADMINISTRATOR))


# Roles that open the admin to more than the officers of an area. An account holding one is
# changed by administrators only (see privileged).
STAFF_ROLES = (TRAINER, REVIEWER, HR, ADMINISTRATOR)


def privileged(users):
    """Accounts only an administrator may change: superusers, staff users and every account
    holding a staff role (Trainer, Reviewer, HR, Administrator).

    HR can set an officer's email (and so where a password reset is sent) and their username:
    letting HR do that to a reviewer's, a trainer's or another HR officer's account would hand
    them that account's rights. HR change ordinary officers only.
    """
    return users.filter(
        Q(is_superuser=True) | Q(is_staff=True) | Q(groups__name__in=STAFF_ROLES)
    ).distinct()


def hr_scope_of(user):
    """The unit an HR user is responsible for, or None when the user is not HR."""
    if not has_role(user, HR):
        return None
    officer = getattr(user, "officer", None)
    return officer.unit if officer else None


def visible_to(user, queryset, unit_path="unit", also=None):
    """The rows of `queryset` a user may see, by the unit each belongs to: every row for an
    administrator; for HR, the rows whose unit (reached by `unit_path`, e.g. "officer__unit";
    "" when the rows are units) is their own unit or lies under it, and the rows matching
    `also` (e.g. what they created themselves); none for anyone else. The one home of the
    administrator / HR area / nothing rule that every scoped list and lookup applies."""
    if is_administrator(user):
        return queryset
    scope = hr_scope_of(user)
    if scope is None:
        return queryset.none()
    area = within_q(scope, field=unit_path)
    return queryset.filter(area | also if also is not None else area)


def area_label(user):
    """The area whose officers the user sees, as the title block of a download names it."""
    if is_administrator(user):
        return str(_("Whole country"))
    scope = hr_scope_of(user)
    return str(scope) if scope is not None else "–"


def can_manage(user, unit):
    """Whether a user may see and change officers of this unit."""
    if is_administrator(user):
        return True
    scope = hr_scope_of(user)
    return scope is not None and scope.contains(unit)
