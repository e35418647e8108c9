"""Finance's print forms (merged into server/printing/forms.py's FORMS): the receipt and payment
vouchers (收款凭证 / 付款凭证, A5 or A4), the transfer voucher (资金调拨单, A4) and the statement of account (对账单, A4, printed by
``GET /api/finance/statement/print`` — it is a party and a period, not a document id).

The words are the view-model's own (``WORDS``), so the shared label table is not edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

WORDS = {
    "zh": {"receipt_voucher": "收款凭证", "payment_voucher": "付款凭证", "statement": "对账单", "date": "日期",
           "received_from": "付款单位", "paid_to": "收款单位", "account": "收款账户", "account_out": "付款账户",
           "amount": "金额", "amount_words": "大写", "reference": "凭证号", "allocated_to": "核销单据", "on_account": "预收/预付",
           "document": "单据", "number": "单号", "doc_date": "日期", "open_before": "核销金额", "note": "备注",
           "prepared": "制单", "approved": "审核", "cashier": "出纳", "payer": "交款人", "payee": "收款人",
           "reversed": "已红冲", "reversal_of": "红冲原单", "draft": "草稿", "counterparty": "往来单位",
           "period": "对账期间", "opening": "期初余额", "closing": "期末余额", "increase": "借方", "decrease": "贷方",
           "increase_payable": "借方（付款）", "decrease_payable": "贷方（应付）",
           "balance": "余额", "memo": "摘要", "direction_receivable": "应收账款", "direction_payable": "应付账款",
           "total": "本期合计", "confirm": "以上余额请核对，如无异议请签章确认后回传。", "our_seal": "本单位（盖章）",
           "their_seal": "对方单位确认（盖章）", "printed_at": "打印时间", "line_no": "序号",
           "transfer_voucher": "资金调拨单", "account_col": "账户", "from_account": "转出账户", "to_account": "转入账户", "bank": "开户行",
           "account_number": "账号", "business_line": "业务线", "out": "转出", "in": "转入",
           "reclass_voucher": "调账凭证", "opening_sheet": "期初余额表", "reason": "调账原因", "out_of": "转出",
           "into": "转入", "kind_counterparty": "往来调账", "kind_account": "资金调账", "kind": "类型",
           "go_live": "启用日期", "closed_through": "结账至", "line_kind": "类型", "code": "编码", "name": "名称",
           "direction": "方向", "line_party": "往来单位", "line_organisation": "机构", "line_account": "资金账户",
           "receivable_total": "应收合计", "payable_total": "应付合计", "account_total": "资金合计",
           "accountant": "会计", "manager": "财务主管"},
    "en": {"receipt_voucher": "Receipt voucher", "payment_voucher": "Payment voucher", "statement": "Statement of account",
           "date": "Date", "received_from": "Received from", "paid_to": "Paid to", "account": "Into account",
           "account_out": "From account", "amount": "Amount", "amount_words": "In words", "reference": "Reference",
           "allocated_to": "Allocated to", "on_account": "On account", "document": "Document", "number": "Number",
           "doc_date": "Date", "open_before": "Allocated", "note": "Note", "prepared": "Prepared by",
           "approved": "Approved by", "cashier": "Cashier", "payer": "Paid by", "payee": "Received by",
           "reversed": "REVERSED", "reversal_of": "Reversal of", "draft": "DRAFT", "counterparty": "Counterparty",
           "period": "Period", "opening": "Opening balance", "closing": "Closing balance", "increase": "Debit",
           "decrease": "Credit", "increase_payable": "Debit (paid)", "decrease_payable": "Credit (owed)",
           "balance": "Balance", "memo": "Memo",
           "direction_receivable": "Accounts receivable", "direction_payable": "Accounts payable", "total": "Period total",
           "confirm": "Please check the balance and return this statement signed and sealed.",
           "our_seal": "Issued by (seal)", "their_seal": "Confirmed by (seal)", "printed_at": "Printed", "line_no": "#",
           "transfer_voucher": "Transfer voucher", "account_col": "Account", "from_account": "From account", "to_account": "To account",
           "bank": "Bank", "account_number": "Account number", "business_line": "Line of business", "out": "Out",
           "in": "In",
           "reclass_voucher": "Reclassification voucher", "opening_sheet": "Opening balance sheet", "reason": "Reason",
           "out_of": "Out of", "into": "Into", "kind_counterparty": "Between counterparties",
           "kind_account": "Between money accounts", "kind": "Kind", "go_live": "Go-live date",
           "closed_through": "Closed through", "line_kind": "Kind", "code": "Code", "name": "Name",
           "direction": "Direction", "line_party": "Counterparty", "line_organisation": "Organisation",
           "line_account": "Money account", "receivable_total": "Receivable total", "payable_total": "Payable total",
           "account_total": "Money total", "accountant": "Accountant", "manager": "Finance manager"},
}


def chinese_amount(value: Decimal) -> str:
    """人民币大写: 1234.50 → 壹仟贰佰叁拾肆元伍角整 (what a voucher prints beside the figure)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]
    big = ["", "万", "亿", "万亿"]
    value = abs(value).quantize(Decimal("0.01"))
    yuan, cents = divmod(int(value * 100), 100)
    out = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        zero = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                zero = True
                continue
            part = ""
            for ui in range(3, -1, -1):
                d = g // (10 ** ui) % 10
                if d == 0:
                    zero = bool(part) or zero
                    continue
                if zero and (part or out):
                    part += "零"
                zero = False
                part += digits[d] + units[ui]
            out += part + big[gi]
            zero = g < 1000
        out += "元"
    jiao, fen = divmod(cents, 10)
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += digits[jiao] + "角"
    elif out:
        out += "零"
    if fen:
        out += digits[fen] + "分"
    else:
        out += "整"
    return out


@dataclass(frozen=True)
class VoucherLine:
    seq: int
    number: str
    doc_date: dt.date | None
    amount: Decimal


@dataclass(frozen=True)
class SettlementVoucher:
    """收款凭证 / 付款凭证: who paid whom how much through which account, and what it settled."""

    w: dict
    org: object  # printing.viewmodels.OrgHeader
    kind: str  # receipt | payment
    number: str
    status: str
    doc_date: dt.date
    counterparty: str
    account: str
    amount: Decimal
    amount_words: str
    reference: str
    note: str
    lines: tuple[VoucherLine, ...]
    on_account: Decimal
    prepared: str
    reverses_number: str = ""


@dataclass(frozen=True)
class StatementRow:
    seq: int
    doc_date: dt.date
    label: str
    number: str
    memo: str
    increase: Decimal
    decrease: Decimal
    balance: Decimal


@dataclass(frozen=True)
class StatementSheet:
    """对账单: one party's balance over a period, opening to closing, to send and have confirmed."""

    w: dict
    org: object
    counterparty: str
    counterparty_code: str
    direction: str
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    rows: tuple[StatementRow, ...]
    increase: Decimal
    decrease: Decimal
    closing: Decimal
    printed_at: dt.datetime
    number: str = ""


@dataclass(frozen=True)
class TransferSide:
    label: str  # 转出账户 / 转入账户
    code: str
    name: str
    bank: str
    number: str
    business_line: str
    amount: Decimal  # signed: what the account's entry is


@dataclass(frozen=True)
class TransferVoucher:
    """资金调拨单 (A4): money out of one account and into another of the same organisation."""

    w: dict
    org: object
    number: str
    status: str
    doc_date: dt.date
    sides: tuple[TransferSide, ...]
    amount: Decimal
    amount_words: str
    reference: str
    note: str
    prepared: str
    reverses_number: str = ""


def transfer_voucher(session, document_id, ctx) -> TransferVoucher:
    from ..printing.adapters import _org, _user
    from .bank import get_transfer
    from .models import MoneyAccount

    doc = get_transfer(session, document_id)
    w = WORDS[ctx.lang]
    sign = -1 if doc.reverses_id is not None else 1  # a reversal moves the money back

    def side(label: str, account_id, amount: Decimal) -> TransferSide:
        acc = session.get(MoneyAccount, account_id)
        return TransferSide(label, acc.code if acc else "", acc.name if acc else "", acc.bank_name if acc else "",
                            acc.account_number if acc else "", acc.business_line if acc else "", amount)

    reverses = get_transfer(session, doc.reverses_id).number or "" if doc.reverses_id is not None else ""
    return TransferVoucher(
        w=w, org=_org(session, ctx, doc.org_id), number=doc.number or "", status=doc.status, doc_date=doc.doc_date,
        sides=(side(w["from_account"], doc.from_account_id, -sign * doc.amount),
               side(w["to_account"], doc.to_account_id, sign * doc.amount)),
        amount=doc.amount, amount_words=chinese_amount(doc.amount), reference=doc.reference, note=doc.note,
        prepared=_user(session, doc.created_by_id), reverses_number=reverses)


@dataclass(frozen=True)
class ReclassVoucher:
    """调账凭证: how much moved out of which balance or account into which, why, and the reversal it is."""

    w: dict
    org: object
    kind: str  # counterparty | account
    number: str
    status: str
    doc_date: dt.date
    direction: str  # receivable | payable | "" (accounts)
    out_of: str
    into: str
    amount: Decimal
    amount_words: str
    reason: str
    note: str
    prepared: str
    reverses_number: str = ""


@dataclass(frozen=True)
class OpeningRow:
    seq: int
    line_kind: str
    code: str
    name: str
    direction: str
    amount: Decimal
    memo: str


@dataclass(frozen=True)
class OpeningSheet:
    """期初余额表: the balances an organisation's books start with on the go-live day."""

    w: dict
    org: object
    number: str
    status: str
    doc_date: dt.date
    closed_through: dt.date | None
    rows: tuple[OpeningRow, ...]
    receivable_total: Decimal
    payable_total: Decimal
    account_total: Decimal
    note: str
    prepared: str
    reverses_number: str = ""


def reclass_voucher(session, document_id, ctx) -> ReclassVoucher:
    from ..printing.adapters import _org, _user
    from .adjust import get_adjust_document
    from .adjust_api import reclass_row, reclass_names

    doc = get_adjust_document(session, "finance_reclass", document_id)
    sides = reclass_row(doc, reclass_names(session, [doc]))
    reverses = get_adjust_document(session, "finance_reclass", doc.reverses_id).number if doc.reverses_id else ""
    return ReclassVoucher(
        w=WORDS[ctx.lang], org=_org(session, ctx, doc.org_id), kind=doc.kind, number=doc.number or "", status=doc.status,
        doc_date=doc.doc_date, direction=doc.direction or "", out_of=sides["from_name"], into=sides["to_name"],
        amount=doc.amount, amount_words=chinese_amount(doc.amount), reason=doc.reason, note=doc.note,
        prepared=_user(session, doc.created_by_id), reverses_number=reverses or "")


def opening_sheet(session, document_id, ctx) -> OpeningSheet:
    from ..printing.adapters import _org, _user
    from .adjust import get_adjust_document
    from .adjust_api import opening_answer

    doc = get_adjust_document(session, "finance_opening", document_id)
    data = opening_answer(session, doc)
    reverses = get_adjust_document(session, "finance_opening", doc.reverses_id).number if doc.reverses_id else ""
    rows = tuple(OpeningRow(i, l["line_kind"], l["code"], l["name"], l["direction"] or "", l["amount"], l["memo"])
                 for i, l in enumerate(data["lines"], 1))
    return OpeningSheet(
        w=WORDS[ctx.lang], org=_org(session, ctx, doc.org_id), number=doc.number or "", status=doc.status,
        doc_date=doc.doc_date, closed_through=doc.doc_date - dt.timedelta(days=1), rows=rows,
        receivable_total=data["receivable_total"], payable_total=data["payable_total"],
        account_total=data["account_total"], note=doc.note, prepared=_user(session, doc.created_by_id),
        reverses_number=reverses or "")


def _voucher(doc_type: str):
    def load(session, document_id, ctx) -> SettlementVoucher:
        from ..printing.adapters import _account, _org, _user
        from .models import CounterpartyEntry
        from .settlement import allocations_of, get_settlement, money_left
        from .statement import counterparty_name

        doc = get_settlement(session, doc_type, document_id)
        live = [a for a in allocations_of(session, doc) if not a["undone"] and not a["reverses_id"] and a["credit_id"] == doc.id]
        reverses = ""
        if doc.reverses_id is not None:
            reverses = get_settlement(session, doc_type, doc.reverses_id).number or ""
        dates = dict(session.execute(select(CounterpartyEntry.document_id, func.min(CounterpartyEntry.doc_date))
                                     .where(CounterpartyEntry.document_id.in_([a["charge_id"] for a in live]))
                                     .group_by(CounterpartyEntry.document_id)).all()) if live else {}
        code, name = counterparty_name(session, doc.counterparty())
        return SettlementVoucher(
            w=WORDS[ctx.lang], org=_org(session, ctx, doc.org_id), kind="receipt" if doc_type == "finance_receipt" else "payment",
            number=doc.number or "", status=doc.status, doc_date=doc.doc_date, counterparty=f"{name}（{code}）" if code else name,
            account=_account(session, doc.account_id), amount=doc.amount, amount_words=chinese_amount(doc.amount),
            reference=doc.reference, note=doc.note,
            lines=tuple(VoucherLine(i, a["charge_number"], dates.get(a["charge_id"]), a["amount"]) for i, a in enumerate(live, 1)),
            on_account=money_left(session, doc) if doc.reverses_id is None else Decimal("0.00"),
            prepared=_user(session, doc.created_by_id), reverses_number=reverses)

    load.__name__ = f"{doc_type}_voucher"
    return load


def statement_sheet(session, data: dict, ctx) -> StatementSheet:
    """The statement's view-model from the statement answer (``settlement_api._statement``)."""
    from ..db import utcnow
    from ..printing.adapters import _org

    w = WORDS[ctx.lang]
    locale = ctx.locale
    rows = tuple(StatementRow(i, line["doc_date"], line["document_label"].get(locale, ""), line["document_number"],
                              line["memo"], line["increase"], line["decrease"], line["balance"])
                 for i, line in enumerate(data["lines"], 1))
    return StatementSheet(
        w=w, org=_org(session, ctx, data["org_id"]), counterparty=data["counterparty_name"],
        counterparty_code=data["counterparty_code"], direction=data["direction"], date_from=data["date_from"],
        date_to=data["date_to"], opening=data["opening_balance"], rows=rows, increase=data["increase"],
        decrease=data["decrease"], closing=data["closing_balance"], printed_at=ctx.local(utcnow()))


def forms() -> list:
    from ..printing.forms import Form

    return [Form("finance-receipt-voucher", "print/finance_voucher.html", SettlementVoucher, ("a5", "a4"), "finance.view",
                 _voucher("finance_receipt"), document_type="finance_receipt"),
            Form("finance-payment-voucher", "print/finance_voucher.html", SettlementVoucher, ("a5", "a4"), "finance.view",
                 _voucher("finance_payment"), document_type="finance_payment"),
            Form("finance-transfer-voucher", "print/finance_transfer_voucher.html", TransferVoucher, ("a4",), "finance.view",
                 transfer_voucher, document_type="finance_transfer"),
            Form("finance-reclass-voucher", "print/finance_reclass.html", ReclassVoucher, ("a4", "a5"), "finance.view",
                 reclass_voucher, document_type="finance_reclass"),
            Form("finance-opening-sheet", "print/finance_opening.html", OpeningSheet, ("a4",), "finance.view",
                 opening_sheet, document_type="finance_opening")]
