"""What formats need beyond their templates: tri-fold panels, booklet imposition."""

from __future__ import annotations

from io import BytesIO

from .errors import BuildError

TRI_FOLD_PANELS = 6
BACK_PANEL = TRI_FOLD_PANELS
BACK_PANEL_TYPES = ("sources",)   # on the back cover, with the document control
BACK_PANEL_ID = "back_panel"     # its content in the panel pages (no block id has "_")
# The panels of each side of the sheet, left to right in a left-to-right language:
# outside the flap, the back cover and the front cover; inside the three inner panels.
SHEET_SIDES = ((2, 6, 1), (3, 4, 5))


def panel_widths(outside: tuple[float, ...]) -> dict[int, float]:
    """Each panel's width (mm), in reading order, from those of the outside's columns
    (``Format.panel_widths``): the inside is the outside turned over, so its columns
    have the same widths in the reverse order (the flap, panel 2, is panel 5 inside)."""
    if not outside:   # not a folded format
        return {}
    outside_side, inside_side = SHEET_SIDES
    widths = {**dict(zip(outside_side, outside, strict=True)),
              **dict(zip(inside_side, outside[::-1], strict=True))}
    return dict(sorted(widths.items()))


def panels_needed(block_ids: list[str], block_types: dict[str, str],
                  anchors: dict[str, int], pages: int) -> int:
    """How many panels the content of ``pages`` panel pages takes: those up to the last
    inside block, and the back panel's, which run to the last page. Notes pages that
    pad the panel pages to six, between the two, are not content."""
    inside = [anchors[f"end-{block_id}"] for block_id in block_ids
              if block_types[block_id] not in BACK_PANEL_TYPES]
    return max(inside, default=1) + pages - anchors[BACK_PANEL_ID] + 1


def panel_assignment(edition: str, block_ids: list[str], block_types: dict[str, str],
                     anchors: dict[str, int], pages: int) -> dict[str, int]:
    """Which panel of a tri-fold each block goes on, from the panel pages' layout.

    The first pass lays the panels out as pages: the cover on page 1, the
    flowing blocks from page 2, the sources and document control on the last
    page; inside panels the blocks leave free are notes pages. Content that
    needs more than six panels, or a block taller than a panel, is an error
    naming the edition and what does not fit.
    """
    needed = panels_needed(block_ids, block_types, anchors, pages)
    if needed > TRI_FOLD_PANELS:
        excess = needed - TRI_FOLD_PANELS
        late = [block_id for block_id in block_ids
                if block_types[block_id] not in BACK_PANEL_TYPES
                and anchors[f"end-{block_id}"] >= BACK_PANEL]
        raise BuildError(
            f"{edition}: the content needs {TRI_FOLD_PANELS + excess} panels and a tri-fold "
            f"has {TRI_FOLD_PANELS}: it overflows by {excess} panel{'s' if excess > 1 else ''}"
            + (f"; these blocks do not fit on the inside panels: {', '.join(late)}"
               if late else "; the back panel (sources, document control) is too long")
            + ". Shorten the leaflet or choose another format (a4-leaflet, a5-booklet)")
    split = [block_id for block_id in block_ids
             if anchors.get(block_id) != anchors.get(f"end-{block_id}")]
    if split:
        raise BuildError(f"{edition}: block {', '.join(split)} is taller than a tri-fold panel; "
                         "split it into smaller blocks or choose another format")
    return {block_id: BACK_PANEL if block_types[block_id] in BACK_PANEL_TYPES
            else anchors[block_id] for block_id in block_ids}


def saddle_stitch_order(pages: int, right_to_left: bool) -> list[tuple[int, int]]:
    """Page pairs (left, right; from 1) of each sheet side of a saddle-stitched booklet.

    Sheets are printed duplex, stacked, folded in the middle and stapled: the
    outer sheet carries the last page beside the first. A right-to-left booklet
    opens the other way, so each pair is mirrored.
    """
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet has a multiple of 4 pages, not {pages}")
    sides = []
    for sheet in range(pages // 4):
        low, high = 2 * sheet + 1, pages - 2 * sheet
        sides.append((high, low))          # outside of the sheet
        sides.append((low + 1, high - 1))  # inside of the sheet
    if right_to_left:
        sides = [(right, left) for left, right in sides]
    return sides


A4_LANDSCAPE = (841.89, 595.28)  # points


def impose_saddle_stitch(pdf: bytes, right_to_left: bool) -> bytes:
    """Two pages of the booklet side by side, centred on A4 landscape sheets, in folding
    order: printed duplex (flip on the short edge), folded and stapled, they read in order."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    reader = PdfReader(BytesIO(pdf))
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    sheet_width, sheet_height = A4_LANDSCAPE
    left_edge, bottom = (sheet_width - 2 * width) / 2, (sheet_height - height) / 2
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(reader.pages), right_to_left):
        sheet = PageObject.create_blank_page(width=sheet_width, height=sheet_height)
        sheet.merge_transformed_page(reader.pages[left - 1],
                                     Transformation().translate(tx=left_edge, ty=bottom))
        sheet.merge_transformed_page(reader.pages[right - 1],
                                     Transformation().translate(tx=left_edge + width, ty=bottom))
        writer.add_page(sheet)
    writer.add_metadata(dict(reader.metadata or {}))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()
