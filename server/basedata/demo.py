"""Demo base data: real brands and models, parts, fault codes, levels, warehouses, members, warranty cards.

Loaded through the same operations as the API (tokens, outbox, audit included).
``generate_bulk`` makes any size for benchmarks with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..ids import uuid7
from ..org.models import Organisation
from . import models as m
from .kinds import KINDS
from .operations import create_record
from .text import luhn_check_digit, tokens_for

BRANDS = [
    ("HUAWEI", "华为", "Huawei", ["Mate 60 Pro", "Mate 60", "P60", "nova 12", "畅享 70"]),
    ("HONOR", "荣耀", "Honor", ["Magic6", "荣耀 90", "X50"]),
    ("XIAOMI", "小米", "Xiaomi", ["小米 14", "小米 14 Pro", "Redmi K70", "Redmi Note 13"]),
    ("OPPO", "OPPO", "OPPO", ["Find X7", "Reno11", "A2"]),
    ("VIVO", "vivo", "vivo", ["X100", "S18", "Y100"]),
    ("APPLE", "苹果", "Apple", ["iPhone 15 Pro", "iPhone 15", "iPhone 14", "iPhone 13"]),
    ("SAMSUNG", "三星", "Samsung", ["Galaxy S24", "Galaxy S23", "Galaxy A54"]),
]

PARTS = [
    ("SCR", "屏幕总成", 380, 620), ("BAT", "电池", 60, 149), ("BCV", "后盖", 45, 120), ("CHG", "尾插小板", 25, 80),
    ("FCM", "前置摄像头", 55, 150), ("RCM", "后置摄像头", 160, 380), ("SPK", "扬声器", 18, 60), ("EAR", "听筒", 15, 50),
    ("FRM", "中框", 90, 220), ("FPR", "指纹模组", 40, 120), ("SIM", "SIM 卡托", 3, 15), ("VIB", "振动马达", 12, 40),
    ("FLX", "按键排线", 10, 35),
]
ACCESSORIES = [("CHARGER", "充电器", 39, 99), ("CABLE", "数据线", 9, 39), ("CASE", "保护壳", 8, 49), ("PIN", "取卡针", 0.5, 2)]
FAULTS = [
    ("F001", "不开机", "电源"), ("F002", "屏幕碎裂", "显示"), ("F003", "触摸失灵", "显示"), ("F004", "不充电", "电源"),
    ("F005", "电池鼓包", "电源"), ("F006", "无信号", "通信"), ("F007", "听筒无声", "音频"), ("F008", "扬声器无声", "音频"),
    ("F009", "摄像头模糊", "影像"), ("F010", "进水", "外观"), ("F011", "死机重启", "系统"), ("F012", "WiFi 无法连接", "通信"),
    ("F013", "指纹失灵", "功能"), ("F014", "发热严重", "电源"), ("F015", "按键失灵", "功能"),
]
METHODS = [
    ("R001", "软件升级", "软件", 1), ("R002", "更换屏幕总成", "更换部件", 2), ("R003", "更换电池", "更换部件", 1),
    ("R004", "更换尾插小板", "更换部件", 2), ("R005", "更换主板", "主板", 3), ("R006", "清洗烘干", "清洁", 1),
    ("R007", "更换摄像头", "更换部件", 2), ("R008", "更换扬声器", "更换部件", 2), ("R009", "主板补焊", "主板", 3),
    ("R010", "检测无故障", "检测", 1), ("R011", "更换整机", "换机", 3),
]
STATUSES = [
    ("IW", "在保", "In warranty", "in_warranty", False, True),
    ("OOW", "过保", "Out of warranty", "out_of_warranty", True, False),
    ("IWP", "在保待检", "In warranty, pending inspection", "pending_inspection", False, False),
    ("HD", "人为损坏", "Damage by the user", "other", True, False),
    ("EW", "延保", "Extended warranty", "other", False, False),
]
WAREHOUSES = [("GOOD", "良品仓", "good"), ("DEF", "坏件仓", "defective"), ("LOAN", "备机仓", "loaner"),
              ("TRANSIT", "在途仓", "in_transit"), ("SCRAP", "报废仓", "scrap")]
PARTIES = [
    ("M-HUAWEI", "华为终端有限公司", ["manufacturer", "supplier"], "HUAWEI"),
    ("M-HONOR", "荣耀终端有限公司", ["manufacturer", "supplier"], "HONOR"),
    ("M-XIAOMI", "小米通讯技术有限公司", ["manufacturer"], "XIAOMI"),
    ("M-OPPO", "OPPO 广东移动通信有限公司", ["manufacturer"], "OPPO"),
    ("M-VIVO", "维沃移动通信有限公司", ["manufacturer"], "VIVO"),
    ("M-APPLE", "苹果电子产品商贸（北京）有限公司", ["manufacturer"], "APPLE"),
    ("M-SAMSUNG", "三星（中国）投资有限公司", ["manufacturer"], "SAMSUNG"),
    ("D-XUNJIE", "深圳迅捷通讯", ["dealer"], None),
    ("D-TIANHE", "广州天河数码城", ["dealer"], None),
    ("D-NANSHAN", "南山手机连锁", ["dealer", "distributor"], None),
    ("S-HQB", "深圳华强北配件行", ["supplier", "distributor"], None),
    ("S-DONGGUAN", "东莞精密部件厂", ["supplier"], None),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕飞鹏宇浩然子轩梓涵一诺欣怡雨桐晨阳思远佳琪俊杰文博"


def tac_for(model_code: str) -> str:
    return "86" + str(int(hashlib.sha256(model_code.encode()).hexdigest(), 16))[:6]


def make_imei(tac: str, serial: int) -> str:
    body = f"{tac}{serial % 1_000_000:06d}"
    return body + luhn_check_digit(body)


def _mk(session: Session, kind: str, data: dict):
    return create_record(session, KINDS[kind], data)


def load_basedata_demo(session: Session, members: int = 300, cards: int = 300, seed: int = 2026) -> None:
    """The demo vocabulary (idempotence is the caller's: run once on an empty database)."""
    rng = random.Random(seed)
    for code, n, e, r, c, cl in STATUSES:
        _mk(session, "warranty-statuses", dict(code=code, name=n, name_en=e, rule=r, chargeable=c, claimable=cl))
    for c, n, cat in FAULTS:
        _mk(session, "fault-symptoms", dict(code=c, name=n, category=cat))
    for c, n, cat, g in METHODS:
        _mk(session, "repair-methods", dict(code=c, name=n, category=cat, grade=g))
    parties = {code: _mk(session, "parties", dict(code=code, name=name, roles=roles, phone=f"400-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"))
               for code, name, roles, _b in PARTIES}
    for code, _name, roles, _b in PARTIES:
        if "manufacturer" in roles:
            for lv, (ln, grade, charge, fee) in enumerate([("一级（软件/附件）", 1, 30, 20), ("二级（更换部件）", 2, 80, 50), ("三级（主板维修）", 3, 150, 100)], 1):
                _mk(session, "repair-levels", dict(manufacturer_id=parties[code].id, code=f"L{lv}", name=ln, grade=grade,
                                                   labour_charge=Decimal(charge), labour_fee=Decimal(fee)))
    models = []
    for bcode, bname, ben, model_names in BRANDS:
        brand = _mk(session, "brands", dict(code=bcode, name=bname, name_en=ben))
        for acode, aname, cost, price in ACCESSORIES:
            _mk(session, "items", dict(code=f"{bcode}-{acode}", name=f"{bname}{aname}", kind="accessory", brand_id=brand.id,
                                       standard_cost=Decimal(str(cost)), retail_price=Decimal(str(price)),
                                       wholesale_price=Decimal(str(round(price * 0.8, 2))), repair_price=Decimal(str(price))))
        for i, mname in enumerate(model_names):
            mcode = f"{bcode[:2]}-{mname.upper().replace(' ', '').replace('小米', 'MI').replace('荣耀', 'HN').replace('畅享', 'CX')}"
            mcode = "".join(ch for ch in mcode if ch.isascii())
            full_name = mname if mname.startswith(bname) else f"{bname} {mname}"
            model = _mk(session, "models", dict(code=mcode, name=full_name, brand_id=brand.id, warranty_months=12))
            models.append(model)
            _mk(session, "tacs", dict(code=tac_for(mcode), model_id=model.id))
            price = Decimal(6999 - i * 1200 if bcode in ("HUAWEI", "APPLE") else 3999 - i * 700)
            device = _mk(session, "items", dict(code=f"{mcode}-DEV", name=f"{full_name} 整机", kind="device", model_id=model.id,
                                                serialized=True, standard_cost=(price * Decimal("0.75")).quantize(Decimal("1")),
                                                retail_price=price, wholesale_price=(price * Decimal("0.9")).quantize(Decimal("1"))))
            board = _mk(session, "items", dict(code=f"{mcode}-MB", name=f"{full_name} 主板", kind="mainboard", model_id=model.id,
                                               serialized=True, standard_cost=(price * Decimal("0.35")).quantize(Decimal("1")),
                                               repair_price=(price * Decimal("0.5")).quantize(Decimal("1"))))
            lines = [{"component_item_id": board.id, "quantity": "1"}]
            for pcode, pname, cost, rprice in PARTS:
                part = _mk(session, "items", dict(code=f"{mcode}-{pcode}", name=f"{full_name} {pname}", kind="part", model_id=model.id,
                                                  standard_cost=Decimal(cost), repair_price=Decimal(rprice),
                                                  retail_price=Decimal(rprice), wholesale_price=Decimal(int(rprice * 0.85))))
                if pcode in ("SCR", "BAT", "BCV", "CHG", "RCM", "FCM", "SPK"):
                    lines.append({"component_item_id": part.id, "quantity": "1"})
            _mk(session, "disassembly-formulas", dict(code=f"{mcode}-BOM", device_item_id=device.id, lines=lines))
            for n, (acode, aname, _c, _p) in enumerate(ACCESSORIES):
                acc_item = session.execute(select(m.Item).where(m.Item.code == f"{bcode}-{acode}")).scalar_one()
                _mk(session, "accessories", dict(code=f"{mcode}-{acode}", model_id=model.id, name=aname, item_id=acc_item.id,
                                                 sort_order=n))
    for org in session.execute(select(Organisation).where(Organisation.kind == "service_point")).scalars():
        for code, name, kind in WAREHOUSES:
            _mk(session, "warehouses", dict(code=code, name=f"{org.code} {name}", kind=kind, org_id=org.id))
    hq = session.execute(select(Organisation).where(Organisation.kind == "hq")).scalar_one_or_none()
    if hq is not None:
        for code, name, kind in WAREHOUSES[:2]:
            _mk(session, "warehouses", dict(code=code, name=f"总部{name}", kind=kind, org_id=hq.id))
    from ..finance.demo import load_money_accounts_demo

    load_money_accounts_demo(session)
    brands = session.execute(select(m.Brand)).scalars().all()
    for user in session.execute(select(User).execution_options(unscoped=True)).scalars():
        if "engineer" in user.roles:
            _mk(session, "engineers", dict(code=user.username.split(".")[-1].upper() + "-" + user.username.split(".")[0].upper(),
                                           name=user.full_name, user_id=user.id, org_id=user.org_id, grade=2,
                                           brand_ids=[b.id for b in rng.sample(brands, 3)]))
    # Members and cards are personal data, seen by the points that served them: spread them over the points.
    points = session.execute(select(Organisation.id).where(Organisation.kind == "service_point")
                             .order_by(Organisation.code)).scalars().all() or [None]
    phones = set()
    member_rows = []
    while len(member_rows) < members:
        phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        if phone in phones:
            continue
        phones.add(phone)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        member_rows.append(_mk(session, "members", dict(phone=phone, name=name, gender=rng.choice(["male", "female"]),
                                                        registered_org_id=points[len(member_rows) % len(points)])))
    dealers = [p for p in parties.values() if "dealer" in p.roles]
    today = dt.date.today()
    for n in range(cards):
        model = rng.choice(models)
        member = rng.choice(member_rows)
        _mk(session, "warranty-cards", dict(
            imei=make_imei(tac_for(model.code), n * 7919 + 13), model_id=model.id, buyer_name=member.name,
            buyer_phone=member.phone, sale_date=today - dt.timedelta(days=rng.randint(5, 700)),
            dealer_id=rng.choice(dealers).id, period_months=12, invoice_number=f"FP{rng.randint(10**9, 10**10 - 1)}",
            registered_org_id=member.registered_org_id))


def generate_bulk(session: Session, items: int, members: int, seed: int = 7) -> None:
    """Bulk rows for benchmarks: ``items`` parts across the demo models and ``members`` members
    each with a warranty card. Uses set-based inserts (no per-row audit/outbox)."""
    rng = random.Random(seed)
    models = session.execute(select(m.ProductModel)).scalars().all()
    if not models:
        raise RuntimeError("load the demo base data first")
    words = ["屏幕", "电池", "后盖", "摄像头", "主板", "排线", "扬声器", "听筒", "中框", "按键", "尾插", "芯片", "天线", "马达"]
    batch_items, batch_tokens = [], []

    def flush() -> None:
        if batch_items:
            session.execute(insert(m.Item), batch_items)
            batch_items.clear()
        if batch_tokens:
            session.execute(insert(m.SearchToken), batch_tokens)
            batch_tokens.clear()

    for n in range(items):
        model = models[n % len(models)]
        iid = uuid7()
        code = f"G{n:07d}"
        name = f"{model.name} {rng.choice(words)}{rng.choice(words)} {n}"
        batch_items.append(dict(id=iid, code=code, name=name, kind="part", model_id=model.id, brand_id=model.brand_id,
                                unit="个", serialized=False, standard_cost=Decimal(rng.randint(5, 500)),
                                retail_price=Decimal(0), wholesale_price=Decimal(0), repair_price=Decimal(rng.randint(10, 900)),
                                active=True, barcode=None,
                                created_at=dt.datetime.now(dt.timezone.utc), updated_at=dt.datetime.now(dt.timezone.utc)))
        batch_tokens.extend({"kind": "items", "token": t, "record_id": iid} for t in tokens_for(name, code))
        if len(batch_items) >= 2000:
            flush()
    flush()
    member_batch, card_batch = [], []
    now = dt.datetime.now(dt.timezone.utc)
    for n in range(members):
        mid = uuid7()
        phone = f"17{n:09d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        member_batch.append(dict(id=mid, phone=phone, name=name, gender="", email="", address="", note="", active=True,
                                 registered_org_id=None, created_at=now, updated_at=now))
        batch_tokens.extend({"kind": "members", "token": t, "record_id": mid} for t in tokens_for(name, exact=(phone,)))
        model = models[n % len(models)]
        imei = make_imei("35" + f"{n // 1_000_000:06d}", n)
        cid = uuid7()
        card_batch.append(dict(id=cid, imei=imei, model_id=model.id, buyer_name=name, buyer_phone=phone, member_id=mid,
                               sale_date=dt.date.today() - dt.timedelta(days=n % 700), dealer_id=None, period_months=12,
                               invoice_number="", active=True, created_at=now, updated_at=now))
        batch_tokens.extend({"kind": "warranty-cards", "token": t, "record_id": cid} for t in tokens_for(exact=(imei, phone, name)))
        if len(member_batch) >= 2000:
            session.execute(insert(m.Member), member_batch)
            session.execute(insert(m.WarrantyCard), card_batch)
            member_batch.clear()
            card_batch.clear()
            flush()
    if member_batch:
        session.execute(insert(m.Member), member_batch)
        session.execute(insert(m.WarrantyCard), card_batch)
    flush()
    session.flush()
