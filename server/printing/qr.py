"""What a printed QR code says: an opaque token for a document, never personal data.

The token of a repair order is ``R1`` + the order's id (a UUIDv7) in Crockford base32: 26
characters, 130 bits of which the first two are zero. Why derived from the id and not a random
value stored on the order: the id is made on the device at intake (the intake event's ``_id``
is the order id), so the PWA prints the same token offline for a provisional ticket, before
the server has seen the order, with no column to add or sync. What it reveals is the id and
the millisecond it was made (UUIDv7), nothing about the customer or the device. It is not a
secret: it resolves only for a logged-in user who may see the order (``GET
/api/print/resolve/<token>``, scoped by organisation), so a lost ticket gives a stranger
nothing. Upper-case letters and digits only, so the QR code uses alphanumeric mode (version 2,
25×25 modules at level M) and stays small enough for a 50×30 mm label.

``pwa/src/print/token.js`` makes the same token; both are tested against
``pwa/src/print/token-vectors.json``.
"""

from __future__ import annotations

import base64
import uuid
from functools import lru_cache

from ..errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(ALPHABET)}
# Crockford base32 reads the letters a human or a scanner may confuse as the digits they look like.
_DECODE.update({"O": 0, "I": 1, "L": 1})
# A warehouse document's code is the same scheme with ``S1``: its id is made where it is
# drafted, and the code opens it in the workspace for whoever may see it. An exchange order's is
# ``E1``: its id too is made on the tablet at intake, so an offline ticket scans as the official one.
# A retail sale's is ``L1`` (零售): its id is made on the counter's tablet, so an offline receipt scans too.
KINDS = {"R1": "repair_order", "S1": "stock_document", "E1": "exchange_order", "L1": "retail_sale"}
TOKEN_LENGTH = 28


def _token(prefix: str, doc_id: uuid.UUID) -> str:
    n = doc_id.int
    chars = []
    for _ in range(26):
        chars.append(ALPHABET[n & 31])
        n >>= 5
    return prefix + "".join(reversed(chars))


def order_token(order_id: uuid.UUID) -> str:
    return _token("R1", order_id)


def stock_token(document_id: uuid.UUID) -> str:
    return _token("S1", document_id)


def exchange_token(order_id: uuid.UUID) -> str:
    return _token("E1", order_id)


def retail_token(sale_id: uuid.UUID) -> str:
    return _token("L1", sale_id)


def parse_token(token: str) -> tuple[str, uuid.UUID]:
    """(kind, document id) of a token; an InvalidInput naming ``token`` when it is not one."""
    text = (token or "").strip().upper()
    if len(text) != TOKEN_LENGTH or text[:2] not in KINDS:
        raise InvalidInput("token", f"not a printed document's code: {TOKEN_LENGTH} characters starting with "
                                    + " or ".join(KINDS))
    n = 0
    for c in text[2:]:
        if c not in _DECODE:
            raise InvalidInput("token", f"not a printed document's code: {c!r} is not a base32 character")
        n = (n << 5) | _DECODE[c]
    if n >> 128:
        raise InvalidInput("token", "not a printed document's code: out of range")
    return KINDS[text[:2]], uuid.UUID(int=n)


@lru_cache(maxsize=2048)
def qr_png_data_url(text: str) -> str:
    """The QR code of ``text`` as a PNG data URL, one pixel per module and no quiet zone (the
    layout leaves room): level M, so 15 % of the code may be smudged or torn. A bitmap rather
    than a vector path: it is drawn at once, where a path of a few hundred squares costs WeasyPrint
    more than the rest of a ticket. The stylesheet scales it without smoothing
    (``image-rendering: pixelated``), so the modules keep sharp edges in the PDF."""
    import io

    import qrcode
    from PIL import Image
    from qrcode.constants import ERROR_CORRECT_M

    # A fixed mask: choosing the "best" of the eight costs eight trial encodings (3 ms, a
    # twentieth of a ticket) for a code that scans either way (the tests decode every one).
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1, mask_pattern=2)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    img = Image.new("1", (size, size), 1)
    img.putdata([0 if cell else 1 for row in matrix for cell in row])
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
