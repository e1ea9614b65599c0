"""Certificates earned by completing a certifying course, and what happened to each.

A certificate is a fact about an officer at a moment: the course's title and skills are copied
onto it when it is issued, so later edits to the course do not rewrite what was certified.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import Level

# Unambiguous on paper and when read aloud over the phone: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code():
    """A verification code such as "KNS-7F3K-92QD" (31⁸ ≈ 8.5e11 possibilities)."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"KNS-{body[:4]}-{body[4:]}"


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


# A certificate this close to its expiry (or past it) is due for renewal: the officer may take
# the course again, and the reports list it as expiring. A platform rule, not a legal one.
RENEWAL_WINDOW = timedelta(days=90)


# The status rules, as Q objects for querysets and for conditional aggregates in the reports;
# Certificate.is_in_force and Certificate.renewal_due say the same of one certificate.


def in_force_q(now):
    """Certificates in force at `now`: valid and not past their expiry (no expiry: in force
    for good). A valid certificate past its expiry is no longer in force even before the
    periodic task (issuing.expire_due) records it as expired."""
    return Q(status=Certificate.Status.VALID) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def past_expiry_q(now):
    """Certificates still recorded as valid whose expiry has come: expired, not yet recorded."""
    return Q(status=Certificate.Status.VALID, expires_at__lte=now)


def expired_q(now):
    """Certificates expired at `now`: recorded as expired, or valid but past their expiry."""
    return Q(status=Certificate.Status.EXPIRED) | past_expiry_q(now)


def expiring_q(now):
    """Certificates in force at `now` that expire within RENEWAL_WINDOW (its end included)."""
    return Q(
        status=Certificate.Status.VALID, expires_at__gt=now, expires_at__lte=now + RENEWAL_WINDOW
    )


class CertificateQuerySet(models.QuerySet):
    def in_force(self, now=None):
        """Valid and not past their expiry (see in_force_q)."""
        return self.filter(in_force_q(now or timezone.now()))

    def past_expiry(self, now=None):
        """Valid on record but past their expiry (see past_expiry_q): the ones to record."""
        return self.filter(past_expiry_q(now or timezone.now()))

    def visible_to(self, user):
        """Certificates a user may look up: everything for administrators, the certificates of
        their unit's officers (and of the units under it) for HR; none for others."""
        from officers.roles import visible_to

        if not user.has_perm("certification.view_certificate"):
            return self.none()
        return visible_to(user, self, unit_path="officer__unit")


def skill_codes_text(skills):
    """The codes a certificate's skills snapshot lists, sorted and space-separated."""
    codes = {item.get("code") for item in skills or () if isinstance(item, dict)}
    return " ".join(sorted(code for code in codes if isinstance(code, str) and code))


class SkillCodes(models.Model):
    """A set of skill codes that certificates list, stored once however many list it. The
    competency matrix counts the skills of hundreds of thousands of certificates: it maps these
    few sets to skills, and each certificate by the set it points to."""

    codes = models.CharField(_("skill codes"), max_length=1000, unique=True)  # "DS04 IU14"

    class Meta:
        verbose_name = _("set of skill codes")
        verbose_name_plural = _("sets of skill codes")

    def __str__(self):
        return self.codes

    @classmethod
    def of(cls, skills):
        """The set of the codes a skills snapshot lists (made the first time it is seen)."""
        return cls.objects.get_or_create(codes=skill_codes_text(skills))[0]


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded by a renewal")

    code = models.CharField(_("verification code"), max_length=20, unique=True, default=new_code)
    officer = models.ForeignKey(
        "officers.Officer",
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course_title = models.CharField(_("course title"), max_length=255)
    skills = models.JSONField(_("skills"), default=list)  # [{"code": "IU01", "name": "…"}]
    # The codes of `skills`, kept by save(); whoever writes certificates in bulk sets it too
    # (the database refuses a certificate without it).
    skill_codes = models.ForeignKey(
        SkillCodes,
        verbose_name=_("skill codes"),
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    # Who issues and signs it, copied from the province's CertificateIssuer when issued (an
    # empty dict: issued before issuers were recorded; the PDF then takes the current one).
    issuer = models.JSONField(_("issuing body and signatory"), default=dict, blank=True)
    pdf = models.FileField(
        _("signed PDF"), upload_to="certificates/%Y/", storage=private_storage, blank=True
    )
    # Everything the stored PDF states, as printed: the PDF is made again (a new signed
    # version) as soon as any of it differs from what the platform records now.
    pdf_facts = models.JSONField(_("facts stated by the PDF"), default=dict, blank=True)
    # For the procedure system's incremental sync ("what changed since …").
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "pk"]
        indexes = [
            models.Index(fields=["officer", "course"], name="certificate_officer_course"),
            models.Index(fields=["status", "expires_at"], name="certificate_status_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "course"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_course",
            )
        ]
        permissions = [("revoke_certificate", _("Can revoke certificates"))]

    def __str__(self):
        return f"{self.code} – {self.officer} – {self.course_title}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "skills" in update_fields:
            self.skill_codes = SkillCodes.of(self.skills)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "skill_codes"}
        super().save(*args, **kwargs)

    def is_in_force(self, now=None):
        """Valid and not past its expiry (the rule of in_force_q, for one certificate)."""
        now = now or timezone.now()
        return self.status == self.Status.VALID and (
            self.expires_at is None or self.expires_at > now
        )

    def renewal_due(self, now=None):
        """Whether the certificate is past its expiry or expires within RENEWAL_WINDOW: the one
        rule for when taking the course again renews it (whatever its recorded status)."""
        now = now or timezone.now()
        return self.expires_at is not None and now >= self.expires_at - RENEWAL_WINDOW

    @property
    def effective_status(self):
        """The status now: a valid certificate past its expiry is expired, even before the
        periodic task records it."""
        if self.status == self.Status.VALID and not self.is_in_force():
            return self.Status.EXPIRED
        return self.status

    def get_effective_status_display(self):
        return self.Status(self.effective_status).label

    def printed_issuer(self):
        """Who issues and signs the certificate, as printed on it and on its verification
        page: recorded when it was issued; for one issued before issuers were recorded, the
        province's issuer now; else the platform, with no named signatory."""
        if self.issuer:
            return self.issuer
        issuer = CertificateIssuer.objects.for_unit(self.officer.unit)
        if issuer is not None:
            return issuer.as_printed()
        province = province_of(self.officer.unit)
        return {
            "governing_body": "",
            "issuing_body": settings.WAGTAIL_SITE_NAME,
            "place": province.name.removeprefix(province.kind).strip() if province else "",
            "signatory_title": "",
            "signatory_name": "",
        }


class CertificateLogEntry(models.Model):
    """The audit trail of a certificate: who did what, when, and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENEWED = "renewed", _("Issued as a renewal")
        SUPERSEDED = "superseded", _("Superseded by a renewal")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        REISSUED = "reissued", _("Reissued with corrected details")

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="log_entries"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("certificate log entry")
        verbose_name_plural = _("certificate log entries")
        ordering = ["certificate", "at", "pk"]

    def __str__(self):
        return f"{self.certificate.code}: {self.get_action_display()}"


def province_of(unit):
    while unit is not None and unit.parent_id is not None:
        unit = unit.parent
    return unit


class CertificateIssuerQuerySet(models.QuerySet):
    def for_unit(self, unit):
        """The issuer of the province the unit lies in, or None."""
        province = province_of(unit)
        return self.filter(province=province).first() if province else None


class CertificateIssuer(models.Model):
    """Who issues a province's certificates and signs them, as printed on the certificate:
    edited by the Administrator (Certificates › Issuing bodies). A province without one gets
    the platform's name and no named signatory."""

    province = models.OneToOneField(
        "units.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="certificate_issuer",
        limit_choices_to={"level": Level.PROVINCE, "valid_to__isnull": True},
    )
    governing_body = models.CharField(
        _("governing body"),
        max_length=200,
        blank=True,
        help_text=_("Printed above the issuing body, e.g. “UBND TỈNH ĐIỆN BIÊN”. Optional."),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        help_text=_("The body that issues the certificates, e.g. “SỞ NỘI VỤ”."),
    )
    place = models.CharField(
        _("place"),
        max_length=100,
        help_text=_("The place on the date line, e.g. “Điện Biên” (… , ngày … tháng … năm …)."),
    )
    signatory_title = models.CharField(
        _("signatory's title"),
        max_length=200,
        help_text=_(
            "As printed above the signature, e.g. “GIÁM ĐỐC” or “KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC” "
            "(a “/” starts a new line)."
        ),
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=150)

    objects = CertificateIssuerQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate issuing body")
        verbose_name_plural = _("certificate issuing bodies")
        ordering = ["province__code"]

    def __str__(self):
        return f"{self.issuing_body} – {self.province.name}"

    def as_printed(self):
        """What a certificate copies of it when issued."""
        return {
            "governing_body": self.governing_body,
            "issuing_body": self.issuing_body,
            "place": self.place,
            "signatory_title": self.signatory_title,
            "signatory_name": self.signatory_name,
        }
