"""What each printed form shows: plain, frozen dataclasses, the one contract between the documents
and the templates.

An adapter (``adapters.py``) turns a document read from the database into one of these; a
template reads nothing else (no ORM object, no session), so a form can be rendered and tested
from a hand-made view-model, and a document module only has to fill the contract.
Times are already in the business time zone; money is ``Decimal``; images (logo, signatures,
photo thumbnails) are data URLs, so rendering fetches nothing.

Every form is wired to its document through an adapter (``adapters.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class OrgHeader:
    """The organisation a form is printed for: name, address, phone and logo at the top."""

    name: str
    code: str
    address: str = ""
    phone: str = ""
    logo: str | None = None  # data URL (PNG, JPEG or SVG)


@dataclass(frozen=True)
class Signature:
    """A signature as stored: an inline image, or only the fact that one is on file (an uploaded
    image's hash whose bytes this server cannot read)."""

    image: str | None = None  # data URL
    signed_at: dt.datetime | None = None

    @property
    def on_file(self) -> bool:
        return self.image is None


# -- the repair order's own forms (wired to the database) -----------------------------------------

@dataclass(frozen=True)
class Accessory:
    name: str
    received: bool


@dataclass(frozen=True)
class IntakeTicket:
    """维修受理单 (客户联 + 存根联)."""

    org: OrgHeader
    number: str
    provisional_code: str
    token: str  # what the QR code says (server.printing.qr)
    taken_at: dt.datetime
    clerk: str
    customer_name: str
    customer_phone: str  # the stub shows it whole, the customer copy masked
    model: str
    imei: str
    colour: str
    accessories: tuple[Accessory, ...]
    symptoms: tuple[str, ...]
    fault_description: str
    appearance_note: str
    photos: tuple[str, ...]  # thumbnails (data URLs)
    warranty: str
    chargeable: bool
    mode: str  # A, B, C or D
    promised_date: dt.date | None = None
    deposit: Decimal | None = None
    signature: Signature | None = None  # the customer's, signed on the tablet at intake


@dataclass(frozen=True)
class DeviceLabel:
    """The 50 × 30 mm label on the device's bag or tray."""

    org_code: str
    number: str
    provisional_code: str
    token: str
    model: str
    imei: str
    taken_on: dt.date
    promised_date: dt.date | None = None


@dataclass(frozen=True)
class QuotationLine:
    description: str
    kind: str  # part | labour
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Quotation:
    """报价单."""

    org: OrgHeader
    order_number: str
    token: str
    created_at: dt.datetime
    customer_name: str
    customer_phone: str
    model: str
    imei: str
    fault: str
    lines: tuple[QuotationLine, ...]
    total: Decimal
    status: str  # pending | accepted | declined | superseded
    note: str = ""
    signature: Signature | None = None


@dataclass(frozen=True)
class BillLine:
    description: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PickupReceipt:
    """取机结算单: the settlement posted at pickup."""

    org: OrgHeader
    number: str
    order_number: str
    token: str
    paid_at: dt.datetime
    customer_name: str
    customer_phone: str
    model: str
    imei: str
    lines: tuple[BillLine, ...]  # parts fitted and labour (chargeable repairs)
    parts_total: Decimal
    labour_total: Decimal
    check_fee: Decimal
    bill_total: Decimal
    deposit_applied: Decimal
    amount_paid: Decimal
    change_returned: Decimal
    account: str
    clerk: str
    unrepaired: bool = False
    signature: Signature | None = None


@dataclass(frozen=True)
class PaymentReceipt:
    """押金收据 (kind deposit) or 退款单 (kind refund)."""

    org: OrgHeader
    kind: str  # deposit | refund
    number: str  # empty while a refund slip is a draft
    status: str  # draft | posted | reversed
    order_number: str
    token: str
    date: dt.date
    customer_name: str
    customer_phone: str
    model: str
    imei: str
    amount: Decimal
    account: str
    reason: str
    clerk: str


@dataclass(frozen=True)
class HandoverHop:
    seq: int
    at: dt.datetime
    from_user: str
    to_user: str
    place: str
    note: str
    signature: Signature


@dataclass(frozen=True)
class HandoverSlip:
    """维修机移交单: every hop of one device, each signed by its receiver."""

    org: OrgHeader
    order_number: str
    token: str
    model: str
    imei: str
    state: str  # the state's label in the form's language
    current_holder: str
    hops: tuple[HandoverHop, ...]


# -- the repair module's logistics documents: packing lists, loaners, batches -------------------

@dataclass(frozen=True)
class PackingLine:
    seq: int
    order_number: str  # empty for a device found in the box that was not on the list
    imei: str
    model: str
    fault: str
    accessories: str = ""
    warranty: str = ""
    note: str = ""  # with the check-in's outcome once the box is received (missing, not on the list)
    # An exchange unit (换机装箱单): its HJ order is order_number, the old unit's IMEI is imei.
    kind: str = "repair"  # repair | exchange
    mode: str = ""  # the exchange mode's label in the form's language
    purchase_date: dt.date | None = None  # the customer's, as the exchange's eligibility counted it


@dataclass(frozen=True)
class PackingList:
    """维修装箱单: devices shipped together (forwarded repair, return to factory) or received back.
    A factory box may carry exchange units: only those, it prints as 换机装箱单 with their columns;
    mixed, each exchange line is marked (``variant``)."""

    org: OrgHeader
    number: str
    kind: str  # forward | factory | return
    ship_date: dt.date
    from_name: str
    to_name: str
    lines: tuple[PackingLine, ...]
    to_address: str = ""
    to_contact: str = ""
    carrier: str = ""
    waybill: str = ""
    packed_by: str = ""
    note: str = ""
    token: str | None = None  # a QR code on the first page when the document has one
    draft: bool = False  # still being packed: no number yet, lines may change

    @property
    def exchange_count(self) -> int:
        return sum(1 for line in self.lines if line.kind == "exchange")

    @property
    def variant(self) -> str:
        """``repair`` (no exchange unit), ``exchange`` (only exchange units) or ``mixed``."""
        n = self.exchange_count
        return "repair" if n == 0 else "exchange" if n == len(self.lines) else "mixed"


@dataclass(frozen=True)
class LoanerSlip:
    """维修备机单: a spare device lent during a repair, and its return."""

    org: OrgHeader
    number: str
    order_number: str
    token: str  # the repair order's token: the slip is found with the order
    lent_at: dt.datetime
    customer_name: str
    customer_phone: str
    loaner_model: str
    loaner_imei: str
    clerk: str
    loaner_condition: str = ""  # as described at lending (the slip's note)
    loaner_accessories: tuple[str, ...] = ()
    due_date: dt.date | None = None
    deposit: Decimal | None = None
    signature: Signature | None = None
    returned_at: dt.datetime | None = None
    return_condition: str = ""  # the condition's label in the form's language
    damage_charge: Decimal | None = None
    return_note: str = ""
    return_signature: Signature | None = None


@dataclass(frozen=True)
class BatchLine:
    seq: int
    order_number: str
    imei: str
    model: str
    fault: str
    accessories: str = ""
    warranty: str = ""
    appearance: str = ""


@dataclass(frozen=True)
class BatchAcceptance:
    """批量受理清单: the devices a distributor brought in one batch, one account."""

    org: OrgHeader
    number: str
    accepted_at: dt.datetime
    dealer_name: str
    lines: tuple[BatchLine, ...]
    received_by: str
    dealer_code: str = ""
    dealer_contact: str = ""
    dealer_phone: str = ""
    note: str = ""
    token: str | None = None
    signature: Signature | None = None




# -- the warehouse documents (spec §9): one view-model, one template, a form per type -----------

@dataclass(frozen=True)
class StockLine:
    """One printed line. Quantities and amounts are signed as the document moved them from its
    warehouse's point of view where that differs by line (a stocktake's loss, the device out of
    a disassembly), and negated on a reversal (红冲) as the paper convention has it."""

    seq: int
    code: str
    name: str
    model: str
    unit: str
    quantity: Decimal | None  # None: not known yet (a draft price adjustment's on-hand quantity)
    unit_cost: Decimal | None = None
    amount: Decimal | None = None
    serials: tuple[str, ...] = ()
    book_quantity: Decimal | None = None  # stocktake: what the books held
    counted_quantity: Decimal | None = None  # stocktake: what was counted (None: not counted yet)
    direction: str = ""  # disassembly: "out" or "in"
    note: str = ""


@dataclass(frozen=True)
class StockDocumentSheet:
    """入库单, 出库单, 转仓单, 领料单, 退料单, 维修用料单, 盘点表, 调整单, 拆装单, 调价单: one view-model
    for every warehouse document; ``layout`` picks the line columns and ``signatures`` the boxes."""

    org: OrgHeader
    doc_type: str  # a key of server.stock.documents.DOC_TYPES
    kind: str
    title: str  # in the form's language
    kind_label: str
    layout: str  # plain | stocktake | price | disassembly
    number: str  # empty for a draft
    status: str  # draft | posted | audited | reversed
    status_label: str
    doc_date: dt.date
    lines: tuple[StockLine, ...]
    signatures: tuple[str, ...]  # the labels of the signature boxes, in the form's language
    token: str | None = None  # the document's QR code (server.printing.qr.stock_token)
    warehouse: str = ""
    warehouse_label: str = ""
    to_warehouse: str = ""
    party: str = ""
    party_label: str = ""
    engineer: str = ""
    formula: str = ""
    reference: str = ""
    note: str = ""
    created_by: str = ""
    created_at: dt.datetime | None = None
    posted_by: str = ""
    posted_at: dt.datetime | None = None
    reversed_by: str = ""
    reversed_at: dt.datetime | None = None
    reversal_reason: str = ""
    reversal_number: str = ""  # the reversal that undid this document
    reversal: bool = False  # this document is a reversal (红冲单) ...
    reverses_number: str = ""  # ... of that one
    total_quantity: Decimal | None = None  # None where a sum means nothing (mixed directions)
    total_amount: Decimal | None = None
