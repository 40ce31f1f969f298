"""read_document: a document's text in, the CONTRACT's intake object out.

The text is cut into classified cells (lines.py), then read in three parts: the header up to
the first body paragraph (header.py, with the "Kính gửi" list), the bottom from "Nơi nhận" or
the signature on (signature.py), and between them the body, where the deadlines and the
citations are (the subject may cite documents too).
"""

import logging
from collections.abc import Sequence

from registry.intake.deadlines import scan_lines
from registry.intake.header import read_header
from registry.intake.lines import Cell, Kind, cells_of, clean_lines, unwrap
from registry.intake.references import extract_references
from registry.intake.result import Intake, empty_intake
from registry.intake.signature import find_tail, read_tail

logger = logging.getLogger("docreg.intake")


def _body_lines(cells: Sequence[Cell]) -> list[str]:
    """The body's lines again, from its cells."""
    lines: dict[int, list[str]] = {}
    for cell in cells:
        lines.setdefault(cell.line, []).append(cell.text)
    return [" ".join(texts) for texts in lines.values()]


def _read(text: str, source: str | None) -> Intake:
    result = empty_intake(source)
    cells = cells_of(clean_lines(text))
    if all(cell.kind is Kind.BLANK for cell in cells):
        result["warnings"].append("the text is empty")
        return result
    header = read_header(cells)
    tail_start = find_tail(cells, header.body_start)
    tail = read_tail(cells, tail_start)
    body = unwrap(_body_lines(cells[header.body_start : tail_start]))
    deadlines, deadline_warnings = scan_lines(body, header.issued_on)
    references, reference_warnings = extract_references([header.subject or "", *body], own_notation=header.notation)
    result.update(
        {
            "system": header.system,
            "issuer": {"name": header.issuer_name, "parent": header.issuer_parent},
            "number": header.number,
            "symbol": header.symbol,
            "notation": header.notation,
            "doc_type": header.doc_type,
            "urgency": header.urgency,
            "confidentiality": header.confidentiality,
            "place": header.place,
            "date": header.issued_on.isoformat() if header.issued_on else None,
            "subject": header.subject,
            "addressees": header.addressees,
            "distribution": tail.distribution,
            "signer": {"name": tail.name, "title": tail.title, "authority": tail.authority},
            "references": references,
            "deadlines": [deadline.as_dict() for deadline in deadlines],
            "warnings": [*header.warnings, *deadline_warnings, *reference_warnings],
        }
    )
    if not tail.found:
        result["warnings"].append("no signature block (authority, title or signer) was found")
    return result


def read_document(text: str, *, source: str | None = None) -> Intake:
    """The intake object of a document's text (``source`` names where it came from).

    Never raises: what cannot be read is left null or empty and said in ``warnings``. Should a
    bug still raise, it is logged and the caller gets the empty object with a warning rather
    than losing the request or the batch.
    """
    try:
        return _read(text, source)
    except Exception:
        logger.exception("intake failed to read %s", source or "a text")
        return empty_intake(source, "the text could not be read: an unexpected error occurred (logged)")
