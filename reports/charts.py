"""Small charts drawn on the server as inline SVG: no JavaScript, no front-end build.

Each returns safe SVG markup with a <title> per bar, so screen readers and mouse-over both
give the exact figure; the report's table beside it stays the authoritative source.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

BAR = "#1f5f99"
WARN = "#c9302c"


def horizontal_bars(items, max_value=100, unit="%", width=640, bar_height=18, label_width=200):
    """`items`: (label, value, highlight) tuples; value between 0 and max_value."""
    gap = 6
    height = len(items) * (bar_height + gap) + gap
    scale = (width - label_width - 60) / (max_value or 1)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value, highlight) in enumerate(items):
        y = gap + index * (bar_height + gap)
        value = value or 0
        length = max(0.0, min(value, max_value) * scale)
        text = f"{escape(label)}: {value:.1f}{unit}"
        parts.append(
            f"<g><title>{text}</title>"
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.75}" text-anchor="end" '
            f'font-size="12">{escape(label[:32])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{WARN if highlight else BAR}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.75}" '
            f'font-size="12">{value:.1f}{unit}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label is escaped above  # nosec B308 B703


def line_chart(points, max_value=100, unit="%", width=640, height=200):
    """`points`: (label, value) in order, e.g. months; a polyline with a dot per point."""
    left, bottom, top = 40, 30, 10
    inner_width, inner_height = width - left - 10, height - bottom - top
    count = max(len(points) - 1, 1)
    coordinates = [
        (
            left + inner_width * index / count,
            top + inner_height * (1 - min(value or 0, max_value) / (max_value or 1)),
            label,
            value or 0,
        )
        for index, (label, value) in enumerate(points)
    ]
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + inner_height}" x2="{width - 10}" '
        f'y2="{top + inner_height}" stroke="#999"/>',
        '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>'.format(
            BAR, " ".join(f"{x:.1f},{y:.1f}" for x, y, _label, _value in coordinates)
        ),
    ]
    for x, y, label, value in coordinates:
        parts.append(
            f"<g><title>{escape(label)}: {value:.1f}{unit}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"/>'
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle" font-size="11">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label is escaped above  # nosec B308 B703
