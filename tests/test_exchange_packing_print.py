"""The exchange packing list's paper (换机装箱单, issue 17 §5): a variant of the packing-list form, not a
copied template. A factory box of exchange units only prints under its own title with the columns an
exchange needs (HJ number, old IMEI, model, fault, exchange mode, the customer's purchase date); a
mixed box stamps each exchange line; repair-only boxes print as before. Rendered without a database
(long lists paginate with the header repeated), then a real mixed box through the print API on
SQLite and PostgreSQL (checked-in replacements named on their lines)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from server.printing import viewmodels as vm
from server.printing.forms import FORMS
from server.printing.render import PAPERS, printer

from . import print_samples as samples
from .exchange_fixtures import xw  # noqa: F401
from .print_support import images, pages, text
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .test_exchange_packing import OLD_B, _mixed
from .test_repair_logistics import post

MODES = ("现场换机", "返厂换机", "返厂换机转现场换机")


def render(vm_, lang: str = "zh") -> bytes:
    spec = FORMS["packing-list"]
    return printer().pdf(spec.template, vm_, PAPERS[spec.papers[0]], lang)


def flat(s: str) -> str:
    return " ".join(s.split())


def exchange_line(i: int) -> vm.PackingLine:
    return vm.PackingLine(seq=i + 1, order_number=f"HJ-SZ01-2612-{i + 1:05d}", imei=imei(i + 1),
                          model=samples.MODELS[i % len(samples.MODELS)], fault=samples.FAULTS[i % len(samples.FAULTS)],
                          kind="exchange", mode=MODES[i % 3], purchase_date=dt.date(2026, 11, 1 + i % 28))


def box(lines) -> vm.PackingList:
    return dataclasses.replace(samples.packing_list(0), lines=tuple(lines))


def test_a_box_of_exchange_units_prints_as_the_exchange_packing_list_paged_with_its_header():
    pdf = render(box(exchange_line(i) for i in range(150)))
    n = len(pages(pdf))
    assert n >= 4
    first = flat(text(pdf, 1, 1))
    assert "换机装箱单" in first and "维修装箱单" not in first and "业务类型 返厂换机" in first
    for p in range(1, n + 1):  # the exchange columns' header on every page
        page = flat(text(pdf, p, p))
        assert all(h in page for h in ("换机单号", "旧机 IMEI", "换机方式", "购机日期")), p
        assert re.search(rf"\b{p} ?/ ?{n}\b", page), p
    body = flat(text(pdf))
    assert "HJ-SZ01-2612-00001 " + imei(1) in body and "返厂换机转现场换机" in body and "2026-11-03" in body
    seen = [int(x) for x in re.findall(r"HJ-SZ01-2612-(\d{5})", text(pdf))]
    assert seen == list(range(1, 151))  # every line once, in order, across the page breaks
    assert "换机合计：150" in flat(text(pdf, n, n)) and "维修单号" not in body and "随机附件" not in body
    images(pdf, "exchange-packing-list-a4-zh", dpi=70)
    en = flat(text(render(box(exchange_line(i) for i in range(3)), "en")))
    assert "Exchange packing list" in en and "Exchange mode" in en and "Return-to-factory exchange" not in en  # labels, vm's mode as given


def test_a_mixed_box_marks_its_exchange_lines_and_a_repair_box_is_unchanged():
    repair = list(samples.packing_list(6).lines)
    lines = [*repair, *(dataclasses.replace(exchange_line(i), seq=7 + i) for i in range(3))]
    pdf = render(box(lines))
    body = flat(text(pdf))
    assert "维修换机装箱单" in body and "业务类型 返厂维修 / 返厂换机" in body
    assert body.count("换机 返厂换机") + body.count("换机 现场换机") == 3  # the stamp, then the mode
    assert "购机日期 2026-11-01" in body and "设备合计：9 台（其中 维修 6 · 换机 3）" in body
    images(pdf, "mixed-packing-list-a4-zh", dpi=70, last=1)
    plain = flat(text(render(box(repair))))
    assert "维修装箱单" in plain and "换机" not in plain and "维修方式 返厂维修" in plain and "设备合计：6 台" in plain


def test_the_mixed_box_printed_through_the_api_names_its_exchanges_and_their_replacements(client, net, xw):
    w = xw
    rid, a, b = _mixed(client, net, w)
    pl = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=str(w.ids["maker"]),
              carrier="顺丰", tracking_no="SF9", exchange_order_ids=[a, b])
    lid = pl["packing_list"]["id"]

    def paper(user="sz01.courier") -> str:
        r = client.get(f"/api/print/packing-list/{lid}", query_string={"format": "pdf"}, headers=net.headers(user))
        assert r.status_code == 200, r.get_data(as_text=True)
        return flat(text(r.data))

    only = paper()  # exchange units only: the exchange form
    numbers = [client.get(f"/api/exchange/orders/{x}", headers=net.headers("sz01.clerk")).json["order"]["number"] for x in (a, b)]
    assert "换机装箱单" in only and "维修换机装箱单" not in only and "换机单号" in only
    assert f"{numbers[0]} {imei(2)}" in only and f"{numbers[1]} {OLD_B}" in only
    assert "现场换机" in only and "返厂换机" in only and (w.ids["today"] - dt.timedelta(days=5)).isoformat() in only
    # The repair device joins: mixed, each exchange line stamped.
    post(client, net, f"/packing-lists/{lid}/lines", "sz01.courier", 201, order_id=rid)
    post(client, net, f"/packing-lists/{lid}/send", "sz01.courier")
    post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", imei=imei(202), replaces_imei=OLD_B)
    mixed = paper("sz01.clerk")
    assert "维修换机装箱单" in mixed and "（其中 维修 1 · 换机 2）" in mixed
    assert mixed.count("换机 现场换机") == 1 and mixed.count("换机 返厂换机") == 1
    assert f"厂家新机{imei(202)}" in mixed.replace(" ", "")  # the checked-in replacement on its line (it may wrap)
    # Another point's user does not print it.
    assert client.get(f"/api/print/packing-list/{lid}", headers=net.headers("gz01.clerk")).status_code == 404
