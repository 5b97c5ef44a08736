"""Charts as static inline SVG, made at build time: the site needs no JavaScript or CDN for them."""

from __future__ import annotations

from html import escape

STAGE_COLORS = {
    "belum_mulai": "#9e9e9e",
    "perencanaan": "#f9a825",
    "pelaksanaan": "#1e88e5",
    "penilaian": "#43a047",
}
PREDIKAT_COLORS = ("#2e7d32", "#66bb6a", "#fbc02d", "#ef6c00", "#c62828")


def stacked_bar(parts: list[tuple[str, int, str]], total: int) -> str:
    """One horizontal bar split into parts (label, count, colour), with its legend.

    HTML rather than SVG: the bar stretches to the column while the legend's text keeps its
    size on a phone (a stretched SVG squeezes its text).
    """
    if total <= 0:
        return ""
    summary = ", ".join(f"{label} {count}" for label, count, _ in parts)
    segments = "".join(
        f'<span style="flex-grow:{count};background:{color}"></span>'
        for _, count, color in parts
        if count > 0
    )
    legend = "".join(
        f'<li><span class="kinerja-warna" style="background:{color}"></span>'
        f"{escape(label)}: {count}</li>"
        for label, count, color in parts
    )
    return (
        f'<div class="kinerja-bar" role="img" aria-label="{escape(summary)}">{segments}</div>'
        f'<ul class="kinerja-legenda">{legend}</ul>'
    )


def column_chart(values: list[tuple[str, int]], colors: tuple[str, ...] = PREDIKAT_COLORS) -> str:
    """Vertical columns with labels underneath (the predikat distribution)."""
    width, height, gap = 520, 190, 16
    top = max((count for _, count in values), default=0) or 1
    column = (width - gap * (len(values) + 1)) / max(len(values), 1)
    parts = []
    for index, (label, count) in enumerate(values):
        x = gap + index * (column + gap)
        bar = (height - 50) * count / top
        y = height - 30 - bar
        color = colors[index % len(colors)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{bar:.1f}" '
            f'fill="{color}"><title>{escape(label)}: {count}</title></rect>'
            f'<text x="{x + column / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="13">{count}</text>' + _label_lines(x + column / 2, height - 18, label)
        )
    summary = ", ".join(f"{label} {count}" for label, count in values)
    return (
        f'<svg class="kinerja-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(summary)}">{"".join(parts)}</svg>'
    )


def stage_steps(reached: int, labels: tuple[str, ...] = ("P", "L", "N")) -> str:
    """Three dots for perencanaan, pelaksanaan, penilaian: filled up to the stage reached."""
    dots = []
    for index, label in enumerate(labels):
        fill = "#43a047" if index < reached else "#e0e0e0"
        dots.append(
            f'<circle cx="{12 + index * 26}" cy="11" r="9" fill="{fill}"/>'
            f'<text x="{12 + index * 26}" y="15" text-anchor="middle" font-size="10" '
            f'fill="{"#fff" if index < reached else "#555"}">{label}</text>'
        )
    return (
        f'<svg class="kinerja-tahap" role="img" viewBox="0 0 76 22" width="76" height="22" '
        f'aria-label="tahap {reached} dari 3">{"".join(dots)}</svg>'
    )


def _label_lines(x: float, y: float, label: str) -> str:
    """A column label on up to two lines, so neighbouring labels never run together."""
    words = label.replace("/", "/ ").split()
    lines = [words[0], " ".join(words[1:])] if len(words) > 1 else words
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if index == 0 else 15}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="13">{spans}</text>'
