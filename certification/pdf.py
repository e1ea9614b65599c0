"""The certificate as a signed PDF: drawn with reportlab, signed by signing.py, kept in storage.

Certificates are official documents: they are always in Vietnamese, whatever language the
officer reads the site in, and use an embedded font (DejaVu Serif, in fonts/) that has every
Vietnamese diacritic, so they look the same on any computer.

The PDF is made the first time someone asks for it (`ensure_signed_pdf`) and reused afterwards.
"""

import fcntl
import io
import itertools
import unicodedata
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape  # escapes Paragraph markup, parses no XML  # nosec B406

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.barcode import qr
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from . import signing
from .models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
BOLD = "DejaVuSerif-Bold"
PAGE = landscape(A4)
MARGIN = 14 * mm
DARK_RED = colors.HexColor("#9b1c1c")
NAVY = colors.HexColor("#1f3a5f")
GREY = colors.HexColor("#555555")
# Concurrent first requests for one certificate's PDF wait for each other on one of these.
LOCK_STRIPES = 64


@lru_cache(maxsize=1)
def register_fonts():
    pdfmetrics.registerFont(TTFont(FONT, FONTS / "DejaVuSerif.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSerif-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def verify_url(certificate):
    return settings.PUBLIC_BASE_URL + reverse("certificate_verify", args=[certificate.code])


def pdf_filename(certificate):
    """The name a downloaded certificate is saved under, e.g. chung-nhan-KNS-7F3K-92QD.pdf."""
    return f"chung-nhan-{certificate.code}.pdf"


def _text(value):
    """Text as one form of Vietnamese (composed), escaped for reportlab's paragraph markup."""
    return escape(unicodedata.normalize("NFC", str(value or "")))


def _date(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _unit_line(unit):
    names = []
    while unit is not None:
        names.append(unit.name)
        unit = unit.parent
    return ", ".join(names)


def _style(name, size, font=FONT, colour=colors.black, align=TA_CENTER, leading=None):
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.3,
        textColor=colour,
        alignment=align,
    )


def _paragraph(c, text, style, x, top, width):
    """Draw a paragraph whose top edge is at `top`; returns where the next one starts."""
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrapOn(c, width, PAGE[1])
    paragraph.drawOn(c, x, top - height)
    return top - height


def _qr_code(c, url, x, y, size, border=4):
    """The QR code drawn straight onto the page: reportlab's graphics renderer would add an
    unembedded Helvetica to a document that otherwise embeds all its fonts."""
    widget = qr.QrCodeWidget(url, barLevel="M")
    widget.qr.make()
    modules = widget.qr.modules
    box = size / (len(modules) + 2 * border)
    path = c.beginPath()
    for r, row in enumerate(modules):
        column = 0
        for dark, run in itertools.groupby(bool(module) for module in row):
            length = len(list(run))
            if dark:
                path.rect(
                    x + (column + border) * box,
                    y + size - (r + border + 1) * box,
                    length * box,
                    box,
                )
            column += length
    c.setFillColor(colors.black)
    c.drawPath(path, stroke=0, fill=1)


def render(certificate, signed_by=""):
    """The certificate's PDF (bytes), unsigned, in Vietnamese."""
    register_fonts()
    with translation.override("vi"):
        return _render(certificate, signed_by)


def _render(certificate, signed_by):
    officer = certificate.officer
    url = verify_url(certificate)
    title = _("CERTIFICATE")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=PAGE, initialFontName=FONT, lang="vi")
    c.setTitle(f"{title} {certificate.code}")
    c.setAuthor(settings.WAGTAIL_SITE_NAME)
    c.setSubject(unicodedata.normalize("NFC", certificate.course_title))
    c.setCreator(settings.WAGTAIL_SITE_NAME)
    width, height = PAGE

    # A double frame.
    c.setStrokeColor(NAVY)
    c.setLineWidth(3)
    c.rect(MARGIN / 2, MARGIN / 2, width - MARGIN, height - MARGIN)
    c.setLineWidth(0.8)
    c.rect(MARGIN / 2 + 5, MARGIN / 2 + 5, width - MARGIN - 10, height - MARGIN - 10)

    inner_x, inner_width = MARGIN + 10, width - 2 * MARGIN - 20
    half = inner_width / 2 - 10
    top = height - MARGIN - 12

    # The issuing platform on the left, the national motto on the right.
    _paragraph(
        c,
        f"<b>{_text(settings.WAGTAIL_SITE_NAME).upper()}</b><br/>"
        + _text(_("Digital skills training for commune officials")),
        _style("issuer", 11, colour=NAVY),
        inner_x,
        top,
        half,
    )
    _paragraph(
        c,
        "<br/>".join(
            f"<b>{_text(line)}</b>"
            for line in (
                _("SOCIALIST REPUBLIC OF VIET NAM"),
                _("Independence – Freedom – Happiness"),
            )
        ),
        _style("motto", 11),
        inner_x + inner_width - half,
        top,
        half,
    )

    y = top - 62
    y = _paragraph(c, _text(title), _style("title", 34, BOLD, DARK_RED), inner_x, y, inner_width)
    y = _paragraph(
        c, _text(_("This certifies that")), _style("lead", 14), inner_x, y - 10, inner_width
    )
    y = _paragraph(
        c, _text(officer.full_name), _style("name", 24, BOLD, NAVY), inner_x, y - 6, inner_width
    )
    details = [_("Administrative unit: %(unit)s") % {"unit": _unit_line(officer.unit)}]
    if officer.job_position_id:
        details.append(_("Job position: %(position)s") % {"position": officer.job_position.name})
    y = _paragraph(
        c,
        "<br/>".join(_text(line) for line in details),
        _style("details", 12, colour=GREY),
        inner_x,
        y - 6,
        inner_width,
    )
    y = _paragraph(
        c,
        _text(_("has completed the course")),
        _style("lead2", 14),
        inner_x,
        y - 10,
        inner_width,
    )
    y = _paragraph(
        c,
        _text(certificate.course_title),
        _style("course", 18, BOLD),
        inner_x + 40,
        y - 4,
        inner_width - 80,
    )
    if certificate.skills:
        skills = "; ".join(
            f"<b>{_text(skill.get('code'))}</b> {_text(skill.get('name'))}"
            for skill in certificate.skills
        )
        y = _paragraph(
            c,
            _text(_("Skills:")) + " " + skills,
            _style("skills", 11, colour=GREY),
            inner_x + 40,
            y - 8,
            inner_width - 80,
        )

    # Dates and code at the bottom left, the QR code at the bottom right.
    qr_size = 33 * mm
    bottom = MARGIN + 18
    expiry = _date(certificate.expires_at) if certificate.expires_at else _("no expiry date")
    lines = [
        _("Issued on: %(date)s") % {"date": _date(certificate.issued_at)},
        _("Valid until: %(date)s") % {"date": expiry},
        _("Verification code: %(code)s") % {"code": certificate.code},
    ]
    _paragraph(
        c,
        "<br/>".join(_text(line) for line in lines),
        _style("dates", 12, align=TA_LEFT, leading=18),
        inner_x + 20,
        bottom + qr_size,
        inner_width / 2,
    )
    notes = [_("Check this certificate, and whether it is still valid, at %(url)s") % {"url": url}]
    if signed_by:
        notes.insert(0, _("Digitally signed by: %(signer)s") % {"signer": signed_by})
    _paragraph(
        c,
        "<br/>".join(_text(line) for line in notes),
        _style("notes", 8.5, colour=GREY, align=TA_LEFT),
        inner_x + 20,
        bottom - 2,
        inner_width - qr_size - 60,
    )
    qr_x = inner_x + inner_width - qr_size - 10
    _qr_code(c, url, qr_x, bottom, qr_size)
    _paragraph(
        c,
        _text(_("Scan to verify")),
        _style("scan", 8.5, colour=GREY),
        qr_x - 10,
        bottom - 1,
        qr_size + 20,
    )
    c.showPage()
    c.save()
    return out.getvalue()


def render_signed(certificate):
    signer = signing.load_signer()
    return signing.sign(render(certificate, signing.signer_name(signer)), signer)


def _stored(certificate):
    return bool(certificate.pdf.name) and certificate.pdf.storage.exists(certificate.pdf.name)


@contextmanager
def _generating(certificate):
    """One first request at a time per certificate on this machine (the others then reuse its
    file); across machines, the conditional update in ensure_signed_pdf keeps one file."""
    locks = Path(settings.PRIVATE_ROOT) / "certificates" / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    stripe = zlib.crc32(certificate.code.encode()) % LOCK_STRIPES
    with open(locks / f"{stripe}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ensure_signed_pdf(certificate):
    """Make sure the certificate's signed PDF is in storage; returns the certificate.

    The PDF is rendered and signed the first time only. Its storage is recorded without
    touching `updated_at`: a PDF being made is no change for the procedure system to sync.
    """
    if _stored(certificate):
        return certificate
    with _generating(certificate):
        certificate.refresh_from_db(fields=["pdf"])
        if _stored(certificate):
            return certificate
        previous = certificate.pdf.name or ""
        field = certificate.pdf.field
        data = render_signed(
            Certificate.objects.select_related(
                "officer__unit__parent__parent", "officer__job_position"
            ).get(pk=certificate.pk)
        )
        name = field.storage.save(
            field.generate_filename(certificate, f"{certificate.code}.pdf"), ContentFile(data)
        )
        won = Certificate.objects.filter(pk=certificate.pk, pdf=previous).update(pdf=name)
        if won:
            certificate.pdf.name = name
        else:  # made on another machine meanwhile: keep that one
            field.storage.delete(name)
            certificate.refresh_from_db(fields=["pdf"])
    return certificate
