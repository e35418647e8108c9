"""The shared document lifecycle on a real database: numbering, periods, reversal, audit."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.auth.operations import principal_for
from server.auth.principal import set_principal
from server.auth.models import User
from server.core import operations as ops
from server.core.models import AuditLog, DocumentCounter
from server.db import unit_of_work
from server.errors import Forbidden, InvalidInput, PeriodClosed, TransitionRefused

from .sample_docs import SampleLedger, SampleVoucher, ledger_total

D = dt.date(2026, 11, 20)


def user_session(net, username):
    s = net.session()
    set_principal(s, principal_for(s, s.get(User, net.users[username].id)))
    return s


def new_voucher(net, org="SZ01", amount="100.00", on=D, username="sz01.manager") -> SampleVoucher:
    s = user_session(net, username)
    with unit_of_work(s):
        v = ops.create_document(s, SampleVoucher(org_id=net.orgs[org].id, doc_date=on, amount=Decimal(amount)))
    s.close()
    return v


def act(net, username, fn, *args, **kw):
    s = user_session(net, username)
    try:
        with unit_of_work(s):
            doc = s.get(SampleVoucher, args[0].id)
            return fn(s, doc, *args[1:], **kw)
    finally:
        s.close()


def test_post_numbers_writes_ledger_and_freezes(net):
    v = new_voucher(net)
    posted = act(net, "sz01.manager", ops.post_document, v)
    assert posted.status == "posted"
    assert posted.number == "SV-SZ01-2611-00001"
    assert posted.posted_by_id == net.users["sz01.manager"].id and posted.posted_at is not None
    s = net.session()
    assert ledger_total(s) == Decimal("100.00")
    s.close()
    with pytest.raises(TransitionRefused):
        act(net, "sz01.manager", ops.update_draft, v, {"amount": Decimal("5")})
    with pytest.raises(TransitionRefused):
        act(net, "sz01.manager", ops.delete_draft, v)


def test_numbers_count_per_type_org_and_month(net):
    numbers = []
    for org, on in [("SZ01", D), ("SZ01", D), ("GZ01", D), ("SZ01", dt.date(2026, 12, 1))]:
        v = new_voucher(net, org=org, on=on, username="admin")
        numbers.append(act(net, "admin", ops.post_document, v).number)
    assert numbers == ["SV-SZ01-2611-00001", "SV-SZ01-2611-00002", "SV-GZ01-2611-00001", "SV-SZ01-2612-00001"]


def test_check_postable_failure_names_the_field_and_leaves_a_draft(net):
    v = new_voucher(net, amount="0")
    with pytest.raises(InvalidInput) as err:
        act(net, "sz01.manager", ops.post_document, v)
    assert "amount" in err.value.errors
    s = net.session()
    assert s.get(SampleVoucher, v.id).status == "draft"
    assert s.execute(select(DocumentCounter)).first() is None  # the number was given back
    s.close()


def test_draft_edit_and_delete_are_audited(net):
    v = new_voucher(net)
    act(net, "sz01.manager", ops.update_draft, v, {"amount": Decimal("42.50"), "note": "改价"})
    act(net, "sz01.manager", ops.delete_draft, v)
    s = net.session()
    rows = s.execute(select(AuditLog).where(AuditLog.entity_id == str(v.id)).order_by(AuditLog.at)).scalars().all()
    s.close()
    assert [r.action for r in rows] == ["sample_voucher.create", "sample_voucher.edit", "sample_voucher.delete"]
    assert rows[1].before == {"amount": "100.00", "note": ""} and rows[1].after == {"amount": "42.50", "note": "改价"}
    assert rows[2].before["status"] == "draft"
    assert all(r.username == "sz01.manager" for r in rows)


def test_reversal_writes_opposite_rows_and_links_both(net):
    v = new_voucher(net, amount="88.80")
    act(net, "sz01.manager", ops.post_document, v)
    with pytest.raises(InvalidInput):
        act(net, "sz01.manager", ops.reverse_document, v, " ")
    reversal = act(net, "sz01.manager", ops.reverse_document, v, "录错金额")
    s = net.session()
    original = s.get(SampleVoucher, v.id)
    assert original.status == "reversed" and original.reversal_reason == "录错金额"
    assert reversal.reverses_id == v.id and reversal.status == "posted"
    assert reversal.number == "SV-SZ01-2611-00002"
    assert ledger_total(s) == Decimal("0")
    assert len(s.execute(select(SampleLedger)).all()) == 2  # nothing updated or deleted
    s.close()
    with pytest.raises(TransitionRefused):
        act(net, "sz01.manager", ops.reverse_document, v, "again")
    with pytest.raises(TransitionRefused, match="reversal cannot"):
        act(net, "sz01.manager", ops.reverse_document, reversal, "undo the undo")


def test_audit_and_unaudit(net):
    v = new_voucher(net)
    act(net, "sz01.manager", ops.post_document, v)
    audited = act(net, "admin", ops.audit_document, v)
    assert audited.status == "audited" and audited.audited_by_id == net.users["admin"].id
    with pytest.raises(TransitionRefused, match="un-audit it first"):
        act(net, "admin", ops.reverse_document, v, "wrong")
    with pytest.raises(InvalidInput):
        act(net, "admin", ops.unaudit_document, v, "")
    back = act(net, "admin", ops.unaudit_document, v, "客户信息有误")
    assert back.status == "posted" and back.audited_at is None


def test_closed_period_refuses_posting_and_reversal_inside_it(net, client):
    v = new_voucher(net, on=dt.date(2026, 10, 31))
    later = new_voucher(net, on=D)
    act(net, "sz01.manager", ops.post_document, later)
    r = client.put(f"/api/periods/{net.orgs['SZ01'].id}", json={"closed_through": "2026-10-31"},
                   headers=net.headers("sz01.finance"))
    assert r.status_code == 200, r.json
    with pytest.raises(PeriodClosed) as err:
        act(net, "sz01.manager", ops.post_document, v)
    assert "doc_date" in err.value.errors
    # A posted document from an open period can be reversed, but not into a closed one.
    with pytest.raises(PeriodClosed):
        act(net, "sz01.manager", ops.reverse_document, later, "late fix", on=dt.date(2026, 10, 15))
    act(net, "sz01.manager", ops.reverse_document, later, "late fix")
    # Other organisations are unaffected.
    other = new_voucher(net, org="GZ01", on=dt.date(2026, 10, 31), username="gz01.manager")
    assert act(net, "gz01.manager", ops.post_document, other).status == "posted"
    # Reopening (moving the date back) is allowed and audited.
    r = client.put(f"/api/periods/{net.orgs['SZ01'].id}", json={"closed_through": "2026-09-30"},
                   headers=net.headers("sz01.finance"))
    assert r.status_code == 200
    assert act(net, "sz01.manager", ops.post_document, v).status == "posted"
    actions = client.get("/api/audit-log?entity_type=period_lock", headers=net.headers("admin")).json["items"]
    assert [a["action"] for a in actions] == ["period.reopen", "period.close"]


def test_service_point_cannot_close_another_ones_period(net, client):
    r = client.put(f"/api/periods/{net.orgs['GZ01'].id}", json={"closed_through": "2026-10-31"},
                   headers=net.headers("sz01.finance"))
    assert r.status_code == 403
    assert client.get("/api/periods", headers=net.headers("admin")).json["total"] == 0


def test_service_point_cannot_write_another_ones_document(net):
    s = user_session(net, "sz01.manager")
    with pytest.raises(Forbidden):
        with unit_of_work(s):
            ops.create_document(s, SampleVoucher(org_id=net.orgs["GZ01"].id, doc_date=D, amount=Decimal(1)))
    s.close()
    gz = new_voucher(net, org="GZ01", username="gz01.manager")
    s = user_session(net, "sz01.manager")
    assert s.get(SampleVoucher, gz.id) is None  # invisible, so it reads as not found
    assert s.execute(select(SampleVoucher)).scalars().all() == []
    s.close()


def test_concurrent_posting_gives_gapless_unique_numbers(net):
    vouchers = [new_voucher(net, username="admin") for _ in range(12)]
    barrier = threading.Barrier(len(vouchers))
    errors: list[BaseException] = []

    def post(v):
        try:
            barrier.wait(timeout=10)
            act(net, "admin", ops.post_document, v)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(v,)) for v in vouchers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    s = net.session()
    numbers = sorted(s.execute(select(SampleVoucher.number)).scalars())
    s.close()
    assert numbers == [f"SV-SZ01-2611-{i:05d}" for i in range(1, 13)]


def test_rolled_back_posting_returns_its_number(net):
    first = new_voucher(net)
    second = new_voucher(net)
    s = user_session(net, "sz01.manager")
    ops.post_document(s, s.get(SampleVoucher, first.id))
    s.rollback()  # e.g. a later step of the same use case failed
    s.close()
    assert act(net, "sz01.manager", ops.post_document, second).number == "SV-SZ01-2611-00001"
