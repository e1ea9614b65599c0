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
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape  # escapes Paragraph markup, parses no XML  # nosec B406

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
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
from .models import Certificate, CertificateLogEntry

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSerif"
BOLD = "DejaVuSerif-Bold"
ITALIC = "DejaVuSerif-Italic"
PAGE = landscape(A4)
MARGIN = 14 * mm
DARK_RED = colors.HexColor("#9b1c1c")
NAVY = colors.HexColor("#1f3a5f")
GREY = colors.HexColor("#555555")
GOLD = colors.HexColor("#b08d3c")
# Concurrent first requests for one certificate's PDF wait for each other on one of these.
LOCK_STRIPES = 64


@lru_cache(maxsize=1)
def register_fonts():
    pdfmetrics.registerFont(TTFont(FONT, FONTS / "DejaVuSerif.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSerif-Bold.ttf"))
    pdfmetrics.registerFont(TTFont(ITALIC, FONTS / "DejaVuSerif-Italic.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def verify_url(certificate):
    return settings.PUBLIC_BASE_URL + reverse("certificate_verify", args=[certificate.code])


def pdf_filename(certificate):
    """The name a downloaded certificate is saved under, e.g. chung-nhan-KNS-7F3K-92QD.pdf."""
    return f"chung-nhan-{certificate.code}.pdf"


def _text(value):
    """Text as one form of Vietnamese (composed), escaped for reportlab's paragraph markup."""
    return escape(unicodedata.normalize("NFC", str(value or "")))


def _bold(value):
    return f"<b>{_text(value)}</b>"


def _date(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _unit_line(unit):
    names = []
    while unit is not None:
        names.append(unit.name)
        unit = unit.parent
    return ", ".join(names)


def facts(certificate):
    """Everything the certificate's PDF states, as printed (strings): what a new PDF is made
    from, and what tells whether a stored one still says what the platform records."""
    officer = certificate.officer
    return {
        "code": certificate.code,
        "full_name": unicodedata.normalize("NFC", officer.full_name),
        "unit": _unit_line(officer.unit),
        "job_position": officer.job_position.name if officer.job_position_id else "",
        "course": unicodedata.normalize("NFC", certificate.course_title),
        "skills": [[skill.get("code", ""), skill.get("name", "")] for skill in certificate.skills],
        "issued": _date(certificate.issued_at),
        "expires": _date(certificate.expires_at) if certificate.expires_at else "",
        "url": verify_url(certificate),
        **certificate.printed_issuer(),
    }


def fact_labels():
    """The facts' names, for the certificate's log when a correction re-issues the PDF."""
    return {
        "full_name": _("Full name"),
        "unit": _("Administrative unit"),
        "job_position": _("Job position"),
        "course": _("Course"),
        "skills": _("Skills"),
        "issued": _("Issued on"),
        "expires": _("Valid until"),
        "url": _("Verification page"),
        "governing_body": _("governing body"),
        "issuing_body": _("issuing body"),
        "place": _("place"),
        "signatory_title": _("signatory's title"),
        "signatory_name": _("signatory's name"),
    }


def _style(name, size, font=FONT, colour=colors.black, align=TA_CENTER, leading=None):
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.3,
        textColor=colour,
        alignment=align,
    )


def _wrap(c, text, style, width):
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrapOn(c, width, PAGE[1])
    return paragraph, height


def _paragraph(c, text, style, x, top, width):
    """Draw a paragraph whose top edge is at `top`; returns where the next one starts."""
    paragraph, height = _wrap(c, text, style, width)
    paragraph.drawOn(c, x, top - height)
    return top - height


def _rule(c, centre, y, length, width=0.8):
    """The short line under a heading block, as on Vietnamese official documents."""
    c.setStrokeColor(colors.black)
    c.setLineWidth(width)
    c.line(centre - length / 2, y, centre + length / 2, y)


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


def _frame(c, width, height):
    """A double frame with corner squares: the certificate is printed and framed."""
    outer = MARGIN / 2
    c.setStrokeColor(DARK_RED)
    c.setLineWidth(4)
    c.rect(outer, outer, width - 2 * outer, height - 2 * outer)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    inset = outer + 6
    c.rect(inset, inset, width - 2 * inset, height - 2 * inset)
    c.setLineWidth(0.5)
    inset += 3
    c.rect(inset, inset, width - 2 * inset, height - 2 * inset)
    c.setFillColor(DARK_RED)
    corner = 7
    for x in (outer - corner / 2, width - outer - corner / 2):
        for y in (outer - corner / 2, height - outer - corner / 2):
            c.rect(x, y, corner, corner, stroke=0, fill=1)


def document_info(stated):
    """The title, author… of the PDF's information and XMP metadata (PDF/A: the same)."""
    with translation.override("vi"):
        title = _("CERTIFICATE")
        return {
            "title": f"{title} {stated['code']}",
            "author": stated["issuing_body"],
            "subject": stated["course"],
            "creator": settings.WAGTAIL_SITE_NAME,
        }


def render(certificate, signed_by="", stated=None):
    """The certificate's PDF (bytes), unsigned, in Vietnamese; `stated`: its facts() when the
    caller has them."""
    register_fonts()
    with translation.override("vi"):
        return _render(stated or facts(certificate), signed_by)


def _render(stated, signed_by):
    title = _("CERTIFICATE")
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=PAGE, initialFontName=FONT, lang="vi")
    info = document_info(stated)
    c.setTitle(info["title"])
    c.setAuthor(info["author"])
    c.setSubject(info["subject"])
    c.setCreator(info["creator"])
    width, height = PAGE
    _frame(c, width, height)

    inner_x, inner_width = MARGIN + 14, width - 2 * MARGIN - 28
    left_width, right_width = inner_width * 0.42, inner_width * 0.5
    right_x = inner_x + inner_width - right_width
    top = height - MARGIN - 14

    # The heading, in the convention of Vietnamese official documents: the issuing body on
    # the left, the national motto on the right, each underlined with a short rule.
    heading = [f"<b>{_text(stated['issuing_body']).upper()}</b>"]
    if stated["governing_body"]:
        heading.insert(0, _text(stated["governing_body"]).upper())
    bottom_left = _paragraph(
        c, "<br/>".join(heading), _style("issuer", 12), inner_x, top, left_width
    )
    _rule(c, inner_x + left_width / 2, bottom_left - 4, 50 * mm / 2)
    bottom_right = _paragraph(
        c,
        _bold(_("SOCIALIST REPUBLIC OF VIET NAM")),
        _style("republic", 12),
        right_x,
        top,
        right_width,
    )
    bottom_right = _paragraph(
        c,
        _bold(_("Independence – Freedom – Happiness")),
        _style("motto", 13),
        right_x,
        bottom_right,
        right_width,
    )
    _rule(c, right_x + right_width / 2, bottom_right - 4, 62 * mm)
    header_bottom = min(bottom_left, bottom_right) - 10

    # The footer: verification on the left, place, date and signatory on the right.
    footer_top = MARGIN + 52 * mm
    body_width = inner_width - 60

    # The body, centred in the space between heading and footer.
    skills = "; ".join(f"<b>{_text(code)}</b> {_text(name)}" for code, name in stated["skills"])
    details = [_("Administrative unit: %(unit)s") % {"unit": stated["unit"]}]
    if stated["job_position"]:
        details.append(_("Job position: %(position)s") % {"position": stated["job_position"]})
    blocks = [
        (_text(title), _style("title", 36, BOLD, DARK_RED, leading=44), 0),
        (_text(_("This certifies that")), _style("lead", 15, ITALIC), 8),
        (_text(stated["full_name"]), _style("name", 26, BOLD, NAVY, leading=32), 4),
        ("<br/>".join(_text(line) for line in details), _style("details", 12.5), 4),
        (_text(_("has completed the course")), _style("lead2", 15, ITALIC), 10),
        (_text(stated["course"]), _style("course", 19, BOLD, leading=24), 4),
    ]
    if skills:
        blocks.append((_text(_("Skills:")) + " " + skills, _style("skills", 11.5, colour=GREY), 6))
    wrapped = [(*_wrap(c, text, style, body_width), gap) for text, style, gap in blocks]
    total = sum(height + gap for _p, height, gap in wrapped)
    y = header_bottom - max(0, (header_bottom - footer_top - total) / 2)
    for paragraph, block_height, gap in wrapped:
        y -= gap
        paragraph.drawOn(c, inner_x + 30, y - block_height)
        y -= block_height

    # Place and date, then the signatory (Vietnamese convention: bottom right).
    issued = datetime.strptime(stated["issued"], "%d/%m/%Y")
    place_line = _("%(place)s, %(day)s %(month)s %(year)s") % {
        "place": stated["place"],
        "day": _("day %(day)02d") % {"day": issued.day},
        "month": _("month %(month)02d") % {"month": issued.month},
        "year": _("year %(year)d") % {"year": issued.year},
    }
    sign_x, sign_width = right_x + 20, right_width - 20
    sign_y = _paragraph(
        c, _text(place_line), _style("place", 12.5, ITALIC), sign_x, footer_top, sign_width
    )
    if stated["signatory_title"]:
        titles = [line.strip() for line in stated["signatory_title"].split("/")]
        sign_y = _paragraph(
            c,
            "<br/>".join(f"<b>{_text(line).upper()}</b>" for line in titles if line),
            _style("signatory_title", 12.5),
            sign_x,
            sign_y - 4,
            sign_width,
        )
    sign_y = _paragraph(
        c,
        _text(_("(digitally signed)")),
        _style("signed", 10, ITALIC, GREY),
        sign_x,
        sign_y - 2,
        sign_width,
    )
    if stated["signatory_name"]:
        _paragraph(
            c,
            f"<b>{_text(stated['signatory_name'])}</b>",
            _style("signatory", 13.5),
            sign_x,
            MARGIN + 30 * mm - 8,
            sign_width,
        )

    # Verification: the QR code, the code and the dates, and the page's address.
    qr_size = 30 * mm
    bottom = MARGIN + 14
    qr_x = inner_x + 6
    _qr_code(c, stated["url"], qr_x, bottom + 10, qr_size)
    _paragraph(
        c,
        _text(_("Scan to verify")),
        _style("scan", 8, colour=GREY),
        qr_x - 10,
        bottom + 10,
        qr_size + 20,
    )
    lines = [
        _("Verification code: %(code)s") % {"code": stated["code"]},
        _("Issued on: %(date)s") % {"date": stated["issued"]},
        _("Valid until: %(date)s") % {"date": stated["expires"] or _("no expiry date")},
    ]
    text_x = qr_x + qr_size + 6
    _paragraph(
        c,
        "<br/>".join(_text(line) for line in lines),
        _style("dates", 10.5, align=TA_LEFT, leading=15),
        text_x,
        bottom + 10 + qr_size - 6,
        right_x - text_x,
    )
    notes = [_("Check this certificate, and whether it is still valid, at %(url)s") % stated]
    if signed_by:
        notes.insert(0, _("Digitally signed by: %(signer)s") % {"signer": signed_by})
    _paragraph(
        c,
        "<br/>".join(_text(line) for line in notes),
        _style("notes", 7.5, colour=GREY, align=TA_LEFT),
        text_x,
        bottom + 10 + qr_size - 52,
        right_x - text_x - 10,
    )
    c.showPage()
    c.save()
    return out.getvalue()


def render_signed(certificate, stated=None):
    signer = signing.load_signer()
    stated = stated or facts(certificate)
    unsigned = render(certificate, signing.signer_name(signer), stated)
    return signing.sign(unsigned, signer, document_info(stated))


def _stored(certificate):
    return bool(certificate.pdf.name) and certificate.pdf.storage.exists(certificate.pdf.name)


@contextmanager
def _generating(certificate):
    """One request at a time per certificate on this machine makes its PDF (the others then
    reuse that file); across machines, the conditional update in ensure_signed_pdf keeps one."""
    locks = Path(settings.PRIVATE_ROOT) / "certificates" / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    stripe = zlib.crc32(certificate.code.encode()) % LOCK_STRIPES
    with open(locks / f"{stripe}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _with_facts(certificate):
    return Certificate.objects.select_related(
        "officer__unit__parent__parent", "officer__job_position"
    ).get(pk=certificate.pk)


def ensure_signed_pdf(certificate):
    """Make sure the certificate's signed PDF is in storage and states what the platform
    records now; returns the certificate.

    The PDF is rendered and signed the first time, and again whenever a fact it states has
    changed since (a name or unit corrected by HR, a unit renamed, the issuer edited…): the
    new signed version replaces the old one, which is no longer served, and the certificate's
    log says what changed. Its storage is recorded without touching `updated_at`: a PDF being
    made is no change for the procedure system to sync.
    """
    current = _with_facts(certificate)
    stated = facts(current)
    if _stored(current) and current.pdf_facts == stated:
        certificate.pdf.name, certificate.pdf_facts = current.pdf.name, current.pdf_facts
        return certificate
    with _generating(certificate):
        current = _with_facts(certificate)
        stated = facts(current)
        if not (_stored(current) and current.pdf_facts == stated):
            _make(current, stated)
    certificate.refresh_from_db(fields=["pdf", "pdf_facts"])
    return certificate


def _make(certificate, stated):
    previous, previous_facts = certificate.pdf.name or "", certificate.pdf_facts
    field = certificate.pdf.field
    data = render_signed(certificate, stated)
    name = field.storage.save(
        field.generate_filename(certificate, f"{certificate.code}.pdf"), ContentFile(data)
    )
    with transaction.atomic():
        won = Certificate.objects.filter(pk=certificate.pk, pdf=previous).update(
            pdf=name, pdf_facts=stated
        )
        if won and previous and previous_facts:
            CertificateLogEntry.objects.create(
                certificate=certificate,
                action=CertificateLogEntry.Action.REISSUED,
                reason=changes(previous_facts, stated),
            )
    if not won:  # made on another machine meanwhile: keep that one
        field.storage.delete(name)
    elif previous and previous != name and field.storage.exists(previous):
        field.storage.delete(previous)  # the superseded version is never served again


def changes(before, after):
    """What a re-issue corrected, in Vietnamese (the certificate's log): "Họ và tên: A → B"."""
    with translation.override("vi"):
        labels = fact_labels()
        return "; ".join(
            f"{labels.get(key, key)}: {_fact(before.get(key))} → {_fact(after.get(key))}"
            for key in after
            if before.get(key) != after.get(key)
        )


def _fact(value):
    if isinstance(value, list):
        return ", ".join(" ".join(part for part in item if part) for item in value) or "-"
    return value or "-"
