"""Frames their content does not fit in, found in a laid-out document: a table wider than
its column, a wallet card taller than the card. Drawn past its edge, such content would be
clipped by the page or the cut line, so it is an error, not a layout."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Overflow:
    """A frame (an element with ``data-fit="<block id>"``: a table's column, a wallet
    card) whose content does not fit in it: drawn past its edge, it would be clipped
    by the page or the cut line."""

    block_id: str
    axis: str          # "wide" or "tall"
    needed_mm: float
    available_mm: float


PT_PER_MM = 72 / 25.4
_TOLERANCE = 0.5   # CSS px: rounding in layout, not content that shows past the edge
_TEXT_RUNS = ("TextBox", "InlineBox")   # WeasyPrint's boxes of text inside a line


def overflowing_frames(document) -> tuple[Overflow, ...]:
    """Every frame of a laid-out document that its content overflows, once per block."""
    found: dict[str, Overflow] = {}
    for page in document.pages:
        for frame, block_id in _frames(page._page_box):
            overflow = _overflow(frame, block_id)
            if overflow is not None:
                found.setdefault(block_id, overflow)
    return tuple(found.values())


def _frames(box):
    element = getattr(box, "element", None)
    if element is not None and element.get("data-fit"):
        yield box, element.get("data-fit")
        return
    for child in getattr(box, "children", ()):
        yield from _frames(child)


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def _overflow(frame, block_id: str) -> Overflow | None:
    """How far the frame's content reaches beyond its padding box, if it does."""
    left, top = frame.padding_box_x(), frame.padding_box_y()
    right, bottom = left + frame.padding_width(), top + frame.padding_height()
    boxes = [box for box in _descendants(frame) if box.width is not None]
    reach_left = min((box.border_box_x() for box in boxes), default=left)
    reach_right = max((box.border_box_x() + box.border_width() for box in boxes), default=right)
    # Lines, not the text on them: a glyph run's box is as tall as its font's ascent and
    # descent, which a line height under the font's own (Noto Sans Arabic's are tall) lets
    # reach past the line without drawing anything there.
    reach_bottom = max((box.border_box_y() + box.border_height() for box in boxes
                        if type(box).__name__ not in _TEXT_RUNS), default=bottom)
    to_mm = 0.75 / PT_PER_MM   # CSS px to mm
    if reach_left < left - _TOLERANCE or reach_right > right + _TOLERANCE:
        needed = max(reach_right, right) - min(reach_left, left)
        return Overflow(block_id, "wide", needed * to_mm, (right - left) * to_mm)
    if reach_bottom > bottom + _TOLERANCE:
        return Overflow(block_id, "tall", (reach_bottom - top) * to_mm, (bottom - top) * to_mm)
    return None
