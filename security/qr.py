"""QR codes as small inline SVG, for the authenticator-app set-up page."""

from django.utils.html import format_html
from reportlab.graphics.barcode.qr import QrCodeWidget

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_svg(text, *, title):
    """An <svg> drawing of `text` as a QR code.

    reportlab's QR widget does the encoding; the drawing is one <path> rather than reportlab's
    SVG renderer, whose output is 100 kB of rectangles each with a style attribute (which a
    strict content security policy would refuse).
    """
    widget = QrCodeWidget(text, barLevel="M")
    widget.qr.make()
    modules = widget.qr.modules
    size = len(modules) + 2 * QUIET_ZONE
    path = "".join(
        f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row, cells in enumerate(modules)
        for column, dark in enumerate(cells)
        if dark
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="240" '
        'height="240" role="img" aria-label="{title}" shape-rendering="crispEdges" '
        'data-qr-code><rect width="{size}" height="{size}" fill="#fff"/>'
        '<path fill="#000" d="{path}"/></svg>',
        size=size,
        title=title,
        path=path,
    )
