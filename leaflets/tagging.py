"""What WeasyPrint's PDF/UA tagging leaves undone, done on the written PDF with pikepdf.

WeasyPrint 70 tags every painted box, but it drops what the HTML says about language
and about decoration, and it leaves table headers without a scope:

- text in a language other than the document's (``lang`` on an element) gets no
  ``/Lang``, so a screen reader reads a French title in the Arabic edition with an
  Arabic voice;
- content hidden from assistive technology (``aria-hidden="true"``, the DRAFT mark) is
  tagged as text, read on every page, and when it is painted in a transparency group
  the group itself is neither tagged nor an artifact (PDF/UA-1 §7.1);
- ``<th>`` cells get an ID that the data cells point to, but no ``/Scope``.

The structure tree does not say which box each element came from, but the MCID of
every piece of content is its rank in the order the page is painted: painting each page
again into a scratch stream gives the same ranks for the same boxes, so the boxes'
``lang`` and ``aria-hidden`` reach the elements of the tree without any guessing.
"""

from __future__ import annotations

from io import BytesIO

import pikepdf

ARTIFACT = pikepdf.Name.Artifact


def tag_pdf(pdf: bytes, document, pdf_variant: str) -> bytes:
    """The PDF with languages, artifacts and header scopes set, for PDF/UA variants;
    any other PDF unchanged. ``document`` is the WeasyPrint document it was written from."""
    if not pdf_variant.startswith("pdf/ua"):
        return pdf
    with pikepdf.open(BytesIO(pdf)) as tagged:
        tree = tagged.Root.StructTreeRoot
        language = str(tagged.Root.get("/Lang", ""))
        parents = _parent_tree(tree)
        for page, laid_out in zip(tagged.pages, document.pages, strict=True):
            _tag_page(tagged, page, parents[int(page.StructParents)], document, laid_out,
                      language)
        [top] = _kids(tree)
        _list_bodies(tagged, top)
        _hoist_languages(top)
        _scope_headers(top)
        output = BytesIO()
        # A fixed /ID derived from the content: the same inputs give the same bytes.
        tagged.save(output, deterministic_id=True)
        return output.getvalue()


def _tag_page(pdf: pikepdf.Pdf, page, elements, document, laid_out, language: str) -> None:
    """Languages and artifacts of one page; ``elements`` are its structure elements by
    MCID, ``laid_out`` the WeasyPrint page."""
    hidden, foreign = _page_boxes(laid_out, language)
    if not hidden and not foreign:
        return   # nothing to add: spare painting the page again
    boxes = _painted_boxes(document, laid_out)
    if len(boxes) != len(elements):   # WeasyPrint no longer tags as it paints
        raise RuntimeError(f"{len(boxes)} pieces of content painted, {len(elements)} tagged")
    artifacts = {mcid: _language(box, language) for mcid, box in boxes.items()
                 if box in hidden}
    for mcid, box in boxes.items():
        own = _language(box, language)
        if own and mcid not in artifacts:
            elements[mcid].Lang = pikepdf.String(own)
    if artifacts:
        _untag(elements, artifacts)
        _mark_artifacts(pdf, page, artifacts)


# --- from boxes to marked content ---------------------------------------------------------

def _painted_boxes(document, page) -> dict[int, object]:
    """The box each MCID of the page's content stands for, by painting the page again."""
    import pydyf
    from weasyprint.pdf.stream import Stream

    tags: dict = {}
    resources = pydyf.Dictionary({name: pydyf.Dictionary() for name in
                                  ("ExtGState", "XObject", "Pattern", "Shading",
                                   "ColorSpace")})
    stream = Stream(document.fonts, (0, 0, page.width, page.height), resources, {}, tags,
                    document.color_profiles, document.output_intent)
    page.paint(stream, scale=0.75)
    return {entry["mcid"]: box for box, entry in tags.items()}


def _page_boxes(page, language: str) -> tuple[set, bool]:
    """The boxes of a page's content (text, images) inside an element hidden from
    assistive technology, and whether any box is in another language than the document's."""
    from weasyprint.formatting_structure.boxes import ReplacedBox, TextBox

    hidden: set = set()
    foreign = False

    def walk(box, inside: bool) -> None:
        nonlocal foreign
        box = getattr(box, "_box", box)   # an absolutely positioned box, through its place
        element = getattr(box, "element", None)
        inside = inside or (element is not None and element.get("aria-hidden") == "true")
        if inside and isinstance(box, (TextBox, ReplacedBox)):   # what has an MCID
            hidden.add(box)
        foreign = foreign or bool(_language(box, language))
        for child in getattr(box, "children", ()):
            walk(child, inside)

    walk(page._page_box, False)
    return hidden, foreign


def _language(box, document_language: str) -> str | None:
    """The box's language where it is not the document's."""
    language = box.style["lang"]
    return language if language and language != document_language else None


# --- the structure tree ---------------------------------------------------------------------

def _parent_tree(tree) -> dict[int, pikepdf.Array]:
    """Each page's array of structure elements, indexed by MCID (WeasyPrint writes one
    flat /Nums array)."""
    numbers = tree.ParentTree.Nums
    return {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)
            if isinstance(numbers[index + 1], pikepdf.Array)}


def _kids(element):
    """The structure elements directly under an element (not MCIDs, not annotations)."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.StructElem:
            yield kid


def _walk(element):
    yield element
    for kid in _kids(element):
        yield from _walk(kid)


def _untag(elements, artifacts) -> None:
    """Take the artifacts' content out of the structure tree, with the elements that
    are left empty."""
    for mcid in artifacts:
        element = elements[mcid]
        element.K = pikepdf.Array([kid for kid in element.K if kid != mcid])
        elements[mcid] = None
        while len(element.K) == 0 and element.P.get("/Type") == pikepdf.Name.StructElem:
            parent = element.P
            parent.K = pikepdf.Array([kid for kid in parent.K if not _same(kid, element)])
            element = parent


def _same(kid, element) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen


_EMPTY = object()   # no text: takes the language of its neighbours
_MIXED = object()


def _hoist_languages(element):
    """Put a /Lang shared by all of an element's content on the element itself, so that
    a French title is one French element, not a French word after another. Returns the
    language of the element's content: None for the document's, _EMPTY or _MIXED."""
    kids = list(_kids(element))
    found = {_hoist_languages(kid) for kid in kids} - {_EMPTY}
    if "/Lang" in element or any(isinstance(kid, int) for kid in element.get("/K", ())):
        found.add(str(element.Lang) if "/Lang" in element else None)   # its own content
    if len(found) != 1:
        return _MIXED if found else _EMPTY
    [shared] = found
    if shared not in (None, _MIXED) and "/Lang" not in element and \
            element.S != pikepdf.Name.Document:
        element.Lang = pikepdf.String(shared)
        for kid in kids:   # inherited from the element now
            if "/Lang" in kid:
                del kid.Lang
    return shared


def _list_bodies(pdf: pikepdf.Pdf, document_element) -> None:
    """A list item holds a label and a body (PDF/UA-1 §7.6): the paragraphs WeasyPrint
    puts straight under an item with several (a step's title and text, a symptom's
    rows) go into one /LBody. An item with content of its own is left as it is."""
    for item in list(_walk(document_element)):
        if item.S != pikepdf.Name.LI:
            continue
        kids = list(item.K) if isinstance(item.K, pikepdf.Array) else [item.K]
        loose = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary)
                                              and kid.get("/S") in (pikepdf.Name.Lbl,
                                                                    pikepdf.Name.LBody))]
        if not loose or not all(isinstance(kid, pikepdf.Dictionary)
                                and kid.get("/Type") == pikepdf.Name.StructElem
                                for kid in loose):
            continue
        body = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item,
            K=pikepdf.Array(loose)))
        for kid in loose:
            kid.P = body
        item.K = pikepdf.Array([kid for kid in kids if kid not in loose] + [body])


def _scope_headers(document_element) -> None:
    """A header cell that a data cell of its own row points to heads that row; any
    other heads its column (which is how WeasyPrint pointed data cells to headers)."""
    for row in _walk(document_element):
        if row.S != pikepdf.Name.TR:
            continue
        cells = list(_kids(row))
        row_headers = {str(header) for cell in cells if cell.S == pikepdf.Name.TD
                       for header in cell.get("/A", {}).get("/Headers", ())}
        for cell in cells:
            if cell.S == pikepdf.Name.TH and "/A" in cell:
                row_header = str(cell.get("/ID", "")) in row_headers
                cell.A.Scope = pikepdf.Name.Row if row_header else pikepdf.Name.Column


# --- content streams --------------------------------------------------------------------------

def _mark_artifacts(pdf: pikepdf.Pdf, page, artifacts) -> None:
    """Turn the artifacts' marked content into /Artifact sequences, in the page and in
    the groups (form XObjects) it paints; a group painted by the page with nothing
    tagged left in it is painted as an artifact (PDF/UA-1 §7.1: no content is neither)."""
    instructions = _rewritten(page.obj.Resources, page, artifacts, wrap_groups=True)[0]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _rewritten(resources, content, artifacts, wrap_groups: bool = False):
    """A content stream's instructions with the artifacts' marks turned into /Artifact
    ones, the groups it paints rewritten in place; and whether anything is still tagged."""
    instructions, depth, tagged = [], 0, False
    for operands, operator in pikepdf.parse_content_stream(content):
        name = str(operator)
        form = _form(resources, operands[0]) if name == "Do" else None
        if form is not None:
            inner, inner_tagged = _rewritten(form.get("/Resources", resources), form, artifacts)
            form.write(pikepdf.unparse_content_stream(inner))
            tagged = tagged or inner_tagged
            if wrap_groups and depth == 0 and not inner_tagged:
                instructions += [([ARTIFACT], pikepdf.Operator("BMC")), (operands, operator),
                                 ([], pikepdf.Operator("EMC"))]
                continue
        depth += {"BDC": 1, "BMC": 1, "EMC": -1}.get(name, 0)
        operands, operator = _unmarked(operands, operator, artifacts)
        tagged = tagged or (str(operator) == "BDC" and _mcid(operands) is not None)
        instructions.append((operands, operator))
    return instructions, tagged


def _form(resources, name):
    form = resources.get("/XObject", {}).get(name) if resources is not None else None
    return form if form is not None and form.get("/Subtype") == pikepdf.Name.Form else None


def _unmarked(operands, operator, artifacts):
    """The instruction, or an /Artifact one (with its language) if it opens an artifact."""
    mcid = _mcid(operands) if str(operator) == "BDC" else None
    if mcid not in artifacts:
        return operands, operator
    language = artifacts[mcid]
    if language is None:
        return [ARTIFACT], pikepdf.Operator("BMC")
    return [ARTIFACT, pikepdf.Dictionary(Lang=pikepdf.String(language))], pikepdf.Operator("BDC")


def _mcid(operands) -> int | None:
    properties = operands[-1] if operands else None
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None
