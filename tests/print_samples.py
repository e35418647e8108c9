"""Realistic view-models of every printed form, for the rendering tests and `make bench-print`."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal

from server.printing import viewmodels as vm
from server.printing.qr import order_token

TZ = dt.timezone(dt.timedelta(hours=8))
ORDER_ID = uuid.UUID("0193a6f2-7c41-7d2a-9b3e-4f1c2d3e4a5b")
LOGO = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#c00"/>'
    b'<path d="M11 20h18M20 11v18" stroke="#fff" stroke-width="5"/></svg>').decode()
SIGNATURE = vm.Signature(image="data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><path d="M5 30 C 20 5, 35 5, 40 25 S 70 40, 80 12 '
    b'S 105 30, 115 18" fill="none" stroke="#000" stroke-width="2.5"/></svg>').decode())
ORG = vm.OrgHeader(name="深圳福田维修服务中心", code="SZ01", address="深圳市福田区华强北路 1002 号赛格广场 3 楼",
                   phone="0755-8888 6666", logo=LOGO)
T0 = dt.datetime(2026, 11, 27, 10, 42, tzinfo=TZ)
MODELS = ["华为 Mate 60 Pro", "荣耀 Magic6", "小米 14", "OPPO Find X7", "vivo X100", "华为 nova 12"]
FAULTS = ["不开机", "屏幕碎裂，触摸失灵", "充电口接触不良", "摄像头对焦异常", "进水后无信号", "电池鼓包，续航短"]


def imei(n: int) -> str:
    body = f"86777777{n:06d}"
    digits = [int(c) for c in body]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return body + str((10 - total % 10) % 10)


def intake_ticket(n: int = 42, photos: tuple[str, ...] = ()) -> vm.IntakeTicket:
    return vm.IntakeTicket(
        org=ORG, number=f"WX-SZ01-2611-{n:05d}", provisional_code=f"K7QD5-{n:04d}", token=order_token(ORDER_ID),
        taken_at=T0, clerk="李娜", customer_name="王芳", customer_phone="13800138000", model="华为 Mate 60 Pro",
        imei=imei(n), colour="雅川青", accessories=(vm.Accessory("充电器", True), vm.Accessory("保护壳", False),
                                                   vm.Accessory("SIM 卡针", True)),
        symptoms=("不开机", "屏幕碎裂"), fault_description="摔落后黑屏，充电无反应，右下角屏幕有裂纹",
        appearance_note="左上角磕碰，后盖轻微划痕", photos=photos, warranty="保内", chargeable=False, mode="A",
        promised_date=dt.date(2026, 11, 30), deposit=Decimal("100.00"))


def device_label() -> vm.DeviceLabel:
    return vm.DeviceLabel(org_code="SZ01", number="WX-SZ01-2611-00042", provisional_code="K7QD5-0042",
                          token=order_token(ORDER_ID), model="华为 Mate 60 Pro", imei=imei(42),
                          taken_on=T0.date(), promised_date=dt.date(2026, 11, 30))


def quotation() -> vm.Quotation:
    lines = (vm.QuotationLine("SCR Mate 60 Pro 屏幕总成", "part", Decimal(1), Decimal("1280.00"), Decimal("1280.00")),
             vm.QuotationLine("BAT Mate 60 Pro 电池", "part", Decimal(1), Decimal("299.00"), Decimal("299.00")),
             vm.QuotationLine("L2 换件维修", "labour", Decimal(1), Decimal("80.00"), Decimal("80.00")))
    return vm.Quotation(org=ORG, order_number="WX-SZ01-2611-00042", token=order_token(ORDER_ID), created_at=T0,
                        customer_name="王芳", customer_phone="13800138000", model="华为 Mate 60 Pro", imei=imei(42),
                        fault="不开机、屏幕碎裂", lines=lines, total=Decimal("1659.00"), status="accepted",
                        note="屏幕为原厂配件", signature=SIGNATURE)


def pickup_receipt() -> vm.PickupReceipt:
    return vm.PickupReceipt(
        org=ORG, number="JS-SZ01-2611-00007", order_number="WX-SZ01-2611-00042", token=order_token(ORDER_ID),
        paid_at=T0 + dt.timedelta(days=2), customer_name="王芳", customer_phone="13800138000", model="华为 Mate 60 Pro",
        imei=imei(42), lines=(vm.BillLine("SCR Mate 60 Pro 屏幕总成", Decimal(1), Decimal("1280.00")),
                              vm.BillLine("L2 换件维修", Decimal(1), Decimal("80.00"))),
        parts_total=Decimal("1280.00"), labour_total=Decimal("80.00"), check_fee=Decimal("0"), bill_total=Decimal("1360.00"),
        deposit_applied=Decimal("100.00"), amount_paid=Decimal("1260.00"), change_returned=Decimal("0"),
        account="SZ01 现金", clerk="李娜", signature=SIGNATURE)


def payment_receipt(kind: str = "deposit") -> vm.PaymentReceipt:
    return vm.PaymentReceipt(
        org=ORG, kind=kind, number="YJ-SZ01-2611-00011" if kind == "deposit" else "", status="posted" if kind == "deposit" else "draft",
        order_number="WX-SZ01-2611-00042", token=order_token(ORDER_ID), date=T0.date(), customer_name="王芳",
        customer_phone="13800138000", model="华为 Mate 60 Pro", imei=imei(42),
        amount=Decimal("100.00") if kind == "deposit" else Decimal("30.00"), account="SZ01 现金",
        reason="" if kind == "deposit" else "电池活动优惠，退还差价", clerk="李娜")


def handover_slip(hops: int = 4) -> vm.HandoverSlip:
    people = ["李娜", "张工", "质检 陈静", "物流 赵强", "李娜"]
    places = ["前台", "维修间", "质检台", "发货区", "前台"]
    return vm.HandoverSlip(
        org=ORG, order_number="WX-SZ01-2611-00042", token=order_token(ORDER_ID), model="华为 Mate 60 Pro", imei=imei(42),
        state="待质检", current_holder=people[hops % len(people)],
        hops=tuple(vm.HandoverHop(seq=i + 1, at=T0 + dt.timedelta(hours=3 * i), from_user=people[i % 5],
                                  to_user=people[(i + 1) % 5], place=places[(i + 1) % 5], note="附件齐全" if i == 0 else "",
                                  signature=SIGNATURE if i % 3 != 2 else vm.Signature()) for i in range(hops)))


def packing_list(lines: int = 500) -> vm.PackingList:
    return vm.PackingList(
        org=ORG, number="ZX-SZ01-2611-00003", kind="factory", ship_date=T0.date(), from_name="深圳福田维修服务中心",
        to_name="华为终端售后返修中心", to_address="东莞市松山湖园区新城大道 2 号", to_contact="刘工 0769-2288 0000",
        carrier="顺丰速运", waybill="SF1402 8876 5521", packed_by="赵强", note="易碎，轻放",
        token=order_token(ORDER_ID),
        lines=tuple(vm.PackingLine(seq=i + 1, order_number=f"WX-SZ01-2611-{i + 1:05d}", imei=imei(i + 1),
                                   model=MODELS[i % len(MODELS)], fault=FAULTS[i % len(FAULTS)],
                                   accessories="充电器" if i % 3 == 0 else "", warranty="保内" if i % 4 else "保外",
                                   note="加急" if i % 17 == 0 else "") for i in range(lines)))


def loaner_slip() -> vm.LoanerSlip:
    return vm.LoanerSlip(
        org=ORG, number="BJ-SZ01-2611-00005", order_number="WX-SZ01-2611-00042", token=order_token(ORDER_ID), lent_at=T0,
        customer_name="王芳", customer_phone="13800138000", loaner_model="华为 nova 11", loaner_imei=imei(900),
        loaner_condition="九成新，屏幕完好", clerk="李娜", loaner_accessories=("充电器", "数据线"),
        due_date=dt.date(2026, 11, 30), deposit=Decimal("500.00"), signature=SIGNATURE)


def batch_acceptance(lines: int = 40) -> vm.BatchAcceptance:
    return vm.BatchAcceptance(
        org=ORG, number="PL-SZ01-2611-00002", accepted_at=T0, dealer_name="深圳华强通讯器材有限公司", dealer_code="D-0031",
        dealer_contact="陈经理", dealer_phone="13922223333", received_by="李娜", note="一个账户统一结算",
        token=order_token(ORDER_ID), signature=SIGNATURE,
        lines=tuple(vm.BatchLine(seq=i + 1, order_number=f"WX-SZ01-2611-{i + 101:05d}", imei=imei(i + 101),
                                 model=MODELS[i % len(MODELS)], fault=FAULTS[(i + 2) % len(FAULTS)],
                                 accessories="无" if i % 2 else "充电器", warranty="保内" if i % 3 else "待检",
                                 appearance="正常" if i % 5 else "边框磕碰") for i in range(lines)))


def swap_intake_slip():
    from server.swap.printing import SwapIntakeSlip, SwapPrintLine

    return SwapIntakeSlip(
        org=ORG, number="FJ-SZ01-2611-00003", taken_at=T0, distributor="南山手机连锁", contact="陈经理 13922223333",
        clerk="李娜", note="月底前取回", lines=(
            SwapPrintLine(1, "HUAWEI-CHARGER 华为充电器", "3", "C0091 C0092 C0093", "功能故障", "不充电", "保内免费换同型号"),
            SwapPrintLine(2, "HW-P60-BAT P60 电池", "1", "", "外观破损", "鼓包", "保外：收费处理")))


def swap_send_list(lines: int = 30):
    from server.swap.printing import SwapPrintLine, SwapSendList

    return SwapSendList(
        org=ORG, number="DF-SZ01-2611-00002", ship_date=dt.date(2026, 11, 28), manufacturer="华为终端有限公司",
        packed_by="李娜", carrier="顺丰", waybill="SF2201", lines=tuple(
            SwapPrintLine(i + 1, "HUAWEI-CHARGER 华为充电器", "2", f"C{i:04d}", fault="不充电",
                          intake_number=f"FJ-SZ01-2611-{i + 1:05d}") for i in range(lines)))


def exchange_ticket():
    from server.exchange.printing import ExchangeTicket
    from server.printing.qr import exchange_token

    return ExchangeTicket(
        org=ORG, number="HJ-SZ01-2611-00007", provisional_code="K7QD5-0007", token=exchange_token(ORDER_ID), taken_at=T0,
        clerk="李娜", customer_name="王芳", customer_phone="13800138000", model="华为 Mate 60 Pro", imei=imei(7),
        mode="现场换机", state="待换机", fault="不开机；开机黑屏", sale_date=dt.date(2026, 11, 24),
        warranty_until=dt.date(2027, 11, 24), verdict=("售出 7 天内出现性能故障：可退货、换机或维修",))


def exchange_certificate():
    from server.exchange.printing import ExchangeCertificate
    from server.printing.qr import exchange_token

    return ExchangeCertificate(
        org=ORG, number="HJ-SZ01-2611-00007", token=exchange_token(ORDER_ID), exchanged_at=T0, handled_by="李娜",
        customer_name="王芳", customer_phone="13800138000", model="华为 Mate 60 Pro", old_imei=imei(7), new_imei=imei(8),
        new_model="华为 Mate 60 Pro", warranty_from=dt.date(2026, 11, 27), warranty_until=dt.date(2027, 11, 27),
        warranty_months=12, old_sale_date=dt.date(2026, 11, 24), mode="现场换机", fee=Decimal("50.00"), handed_over=True,
        signature=SIGNATURE)


def retail_receipt(is_return: bool = False):
    from server.printing.qr import retail_token
    from server.retail.forms import LABELS, ReceiptLine, ReceiptPayment, RetailReceipt

    lines = (ReceiptLine("华为 Mate 60 Pro 12+512G 雅川青", Decimal("1"), Decimal("5999.00"), Decimal("5999.00"), (imei(7),)),
             ReceiptLine("Mate 60 原装电池", Decimal("2"), Decimal("199.00"), Decimal("398.00"), ()))
    return RetailReceipt(
        org=ORG, l=LABELS, number="LT-SZ01-2611-00002" if is_return else "LS-SZ01-2611-00042", token=retail_token(ORDER_ID),
        at=T0, clerk="李娜", customer="王芳 13800138000", lines=lines, total=Decimal("6397.00"), tax=Decimal("735.94"),
        payments=(ReceiptPayment("微信支付", Decimal("5000.00")), ReceiptPayment("前台现金", Decimal("1400.00"))),
        tendered=Decimal("6400.00"), change=Decimal("3.00"), waiting=not is_return, is_return=is_return,
        sale_number="LS-SZ01-2611-00042" if is_return else "", reason="不想要了" if is_return else "")


SAMPLES = {
    "retail-receipt": retail_receipt, "retail-return-slip": lambda: retail_receipt(True),
    "exchange-ticket": exchange_ticket, "exchange-certificate": exchange_certificate,
    "swap-intake-slip": swap_intake_slip, "swap-send-list": swap_send_list,
    "intake-ticket": intake_ticket, "device-label": device_label, "quotation": quotation,
    "pickup-receipt": pickup_receipt, "deposit-receipt": lambda: payment_receipt("deposit"),
    "refund-receipt": lambda: payment_receipt("refund"), "handover-slip": handover_slip,
    "packing-list": packing_list, "loaner-slip": loaner_slip, "batch-acceptance": batch_acceptance,
}


# -- warehouse documents ------------------------------------------------------------------------------

PARTS = [("HW-M60-SCR", "Mate 60 屏幕总成", "华为 Mate 60", "个", "380.00"), ("HW-M60-BAT", "Mate 60 电池", "华为 Mate 60", "个", "60.00"),
         ("HW-P60-BCV", "后盖", "华为 P60", "个", "45.5"), ("XM-14-CHG", "尾插小板", "小米 14", "块", "25.00"),
         ("HW-M60-DEV", "Mate 60 整机", "华为 Mate 60", "台", "4000.00")]
STOCK_TYPES = ["goods_receipt", "goods_issue", "bin_transfer", "engineer_requisition", "engineer_return", "engineer_use",
               "stock_adjustment", "disassembly", "price_adjustment"]
STOCK_KIND = {"goods_receipt": "purchase", "goods_issue": "wholesale", "engineer_return": "defective",
              "stock_adjustment": "scrap", "disassembly": "disassemble"}
PREFIX = {"goods_receipt": "RK", "goods_issue": "CK", "bin_transfer": "ZC", "engineer_requisition": "LL",
          "engineer_return": "TL", "engineer_use": "YL", "stock_adjustment": "TZ", "disassembly": "CZ", "price_adjustment": "TJ"}


def stock_document(doc_type: str = "goods_receipt", lines: int = 5, status: str = "posted", kind: str | None = None,
                   reversal: bool = False, lang: str = "zh") -> vm.StockDocumentSheet:
    """A warehouse document as the adapter makes it, its words in ``lang``: lines cycle through
    PARTS; the device line carries IMEIs; a stocktake has book and counted quantities (a loss, a
    gain, an equal line)."""
    from server.printing.adapters import stock_words

    kind = STOCK_KIND.get(doc_type, "") if kind is None else kind
    layout = ("stocktake" if kind == "stocktake" else "price" if doc_type == "price_adjustment"
              else "disassembly" if doc_type == "disassembly" else "plain")
    out = []
    sign = -1 if reversal else 1
    for i in range(lines):
        code, name, model, unit, price = PARTS[i % len(PARTS)]
        price = Decimal(price)
        q = Decimal(1 if unit == "台" else (i % 4) + 1)
        serials = tuple(imei(200 + i * 3 + k) for k in range(int(q))) if unit == "台" else ()
        if layout == "stocktake":
            book = Decimal(10 + i)
            counted = book + (-2, 3, 0)[i % 3]
            out.append(vm.StockLine(seq=i + 1, code=code, name=name, model="", unit=unit, quantity=counted - book,
                                    amount=(counted - book) * price, book_quantity=book, counted_quantity=counted,
                                    serials=serials))
        elif layout == "price":
            out.append(vm.StockLine(seq=i + 1, code=code, name=name, model="", unit=unit, quantity=q * 3,
                                    unit_cost=price * Decimal("0.9"), amount=-(q * 3 * price * Decimal("0.1"))))
        elif layout == "disassembly":
            into = i > 0
            out.append(vm.StockLine(seq=i + 1, code=code, name=name, model="", unit=unit, quantity=q if into else -q,
                                    unit_cost=price, amount=q * price * (1 if into else -1), serials=serials,
                                    direction="in" if into else "out"))
        else:
            out.append(vm.StockLine(seq=i + 1, code=code, name=name, model=model if i % 5 == 2 else "", unit=unit,
                                    quantity=sign * q, unit_cost=price, amount=sign * q * price, serials=serials,
                                    note="包装破损" if i % 7 == 3 else ""))
    totals = layout != "disassembly"
    return vm.StockDocumentSheet(
        org=ORG, doc_type=doc_type, kind=kind, layout=layout, number="" if status == "draft" else f"{PREFIX[doc_type]}-SZ01-2611-00017",
        status=status, doc_date=T0.date(), lines=tuple(out), token="S1" + order_token(ORDER_ID)[2:],
        **stock_words(doc_type, kind, status, lang),
        warehouse="福田主仓", to_warehouse="福田坏件仓" if doc_type == "bin_transfer" else "",
        party="华为终端配件供应中心（S1）" if doc_type in ("goods_receipt", "goods_issue") else "",
        engineer="张磊（E1）" if doc_type.startswith("engineer") else "", reference="WX-SZ01-2611-00042",
        note="月度补货", created_by="赵强", created_at=T0, posted_by="" if status == "draft" else "李娜",
        posted_at=None if status == "draft" else T0 + dt.timedelta(hours=1),
        reversed_by="李娜" if status == "reversed" else "", reversed_at=T0 + dt.timedelta(days=1) if status == "reversed" else None,
        reversal_reason="数量录入错误" if status == "reversed" or reversal else "",
        reversal_number=f"{PREFIX[doc_type]}-SZ01-2611-00018" if status == "reversed" else "", reversal=reversal,
        reverses_number=f"{PREFIX[doc_type]}-SZ01-2611-00016" if reversal else "",
        total_quantity=sum((l.quantity for l in out), Decimal(0)) if totals else None,
        total_amount=sum((l.amount for l in out), Decimal(0)) if totals else None)


for _type in STOCK_TYPES:
    SAMPLES[_type.replace("_", "-")] = (lambda t=_type: stock_document(t))


# Areas that keep their forms in their own forms.py bring their samples in tests/print_samples_<area>.py:
# SAMPLES (form -> factory taking the form's language), EXPECTED (form -> words of the Chinese form)
# and TITLES (form -> the English form's title).
AREA_SAMPLES: dict = {}
AREA_EXPECTED: dict = {}
AREA_TITLES: dict = {}
for _path in sorted(__import__("pathlib").Path(__file__).parent.glob("print_samples_*.py")):
    _module = __import__("importlib").import_module(f"{__package__}.{_path.stem}")
    AREA_SAMPLES.update(_module.SAMPLES)
    AREA_EXPECTED.update(_module.EXPECTED)
    AREA_TITLES.update(_module.TITLES)
SAMPLES.update({_form: (lambda f=_factory: f("zh")) for _form, _factory in AREA_SAMPLES.items()})
