"""What counts as content past a frame's edge: lines that reach out, not the tall glyph
boxes of a font whose ascent and descent exceed the line height."""

from __future__ import annotations

import weasyprint

from leaflets.fonts import package_file, static_face
from leaflets.overflow import overflowing_frames

ARABIC = "العلاج المناعي يساعد جهازك المناعي على اكتشاف خلايا السرطان ومهاجمتها. " * 3


def laid_out(frame_style: str, text: str) -> weasyprint.Document:
    face = static_face(package_file("fontpkg-noto-sans-arabic", "NotoSansArabic[wdth,wght].ttf"),
                       "normal", "normal")
    faces = f"@font-face {{ font-family: 'Noto Sans Arabic'; src: url({face.as_uri()}) }}"
    html = (f'<html dir="rtl" lang="ar"><body><div data-fit="card" style="{frame_style}">'
            f"<p style='margin: 0'>{text}</p></div></body></html>")
    style = weasyprint.CSS(string=faces + "body { font: 12pt/1.0 'Noto Sans Arabic'; }")
    return weasyprint.HTML(string=html).render(stylesheets=[style])


def test_glyph_boxes_taller_than_the_line_are_not_an_overflow():
    """Noto Sans Arabic's ascent and descent exceed a line height of 1: its text boxes
    reach past the last line, which draws nothing there (the Arabic glossary of the
    large-print editions was refused for it)."""
    assert overflowing_frames(laid_out("", ARABIC)) == ()


def test_lines_past_a_frame_of_fixed_height_are_an_overflow():
    (overflow,) = overflowing_frames(laid_out("height: 10mm; width: 60mm", ARABIC))
    assert overflow.block_id == "card" and overflow.axis == "tall"
    assert overflow.needed_mm > overflow.available_mm + 5
