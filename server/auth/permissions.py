"""Roles and named permissions: the one catalogue, served to the PWA at /api/meta/permissions.

A permission is ``<area>.<action>``. Every endpoint names the permission it
needs (see ``server.http.permission``); a role is a set of permissions.
"""

from __future__ import annotations

ROLES: dict[str, dict[str, str]] = {
    "admin": {"zh-CN": "系统管理员", "en": "Administrator"},
    "hq_manager": {"zh-CN": "总部经理", "en": "Headquarters manager"},
    "sp_manager": {"zh-CN": "网点经理", "en": "Service point manager"},
    "clerk": {"zh-CN": "前台接待", "en": "Counter clerk"},
    "engineer": {"zh-CN": "维修工程师", "en": "Engineer"},
    "qc": {"zh-CN": "质检", "en": "Quality control"},
    "courier": {"zh-CN": "物流", "en": "Courier"},
    "warehouse": {"zh-CN": "仓管", "en": "Warehouse"},
    "finance": {"zh-CN": "财务", "en": "Finance"},
    "cs_agent": {"zh-CN": "客服", "en": "Customer service agent"},
    "dealer": {"zh-CN": "经销商", "en": "Dealer (read-only portal)"},
}

# Roles that only headquarters staff may hold.
HQ_ONLY_ROLES = frozenset({"admin", "hq_manager"})

PERMISSIONS: dict[str, str] = {
    "org.view": "See the organisation directory",
    "org.manage": "Create and change organisations",
    "user.view": "See user accounts",
    "user.manage": "Create and change user accounts, reset passwords, unlock",
    "system.login_records": "Read the login record (spec §12.4)",
    "audit.view": "Read the audit log",
    "period.view": "See closed accounting periods",
    "period.manage": "Close and reopen accounting periods",
    "admin.switch_user": "Act as a user of any service point (spec §16.1)",
    "basedata.view": "See base data: products, parties, fault codes, warehouses …",
    "basedata.manage": "Change network-wide base data (headquarters)",
    "basedata.manage_local": "Change the organisation's own base data: warehouses, engineers",
    "exchange.view": "See exchange orders, their steps and the brands' exchange rules",
    "exchange.intake": "Take devices in for an exchange (换机受理)",
    "exchange.handover": "Hand the replacement to the customer (on-site, or at pickup), signed",
    "exchange.dispatch": "Send exchanged units to the manufacturer and receive its units back",
    "exchange.convert": "Turn a return-to-factory exchange into an on-site one, or an exchange into a repair",
    "exchange.override": "Take in an exchange the 三包 rules do not allow, with a reason (audited)",
    "exchange.reverse": "Reverse (红冲) the last step of an exchange order",
    "exchange.rules": "Set the brands' exchange (三包) rules",
    "customer.view": "See members and warranty cards",
    "customer.manage": "Create and change members and warranty cards",
    "customer.personal_data": "Export, import and delete members and warranty cards (back office)",
    "stock.view": "See stock, moves and warehouse documents",
    "stock.manage": "Prepare warehouse documents (drafts)",
    "stock.post": "Post and reverse warehouse documents",
    "stock.requisition": "Draw and return parts as an engineer; register shortages",
    "stock.check": "Run the ledger consistency check",
    "finance.view": "See money accounts, receivable/payable and bank balances and the ledger entries behind them",
    "finance.manage_accounts": "Open, change and close the organisation's bank accounts and cash drawers",
    "sync.replicate": "Replicate the own service point's database and master data (offline work)",
    "note.view": "Read the notes on orders",
    "note.add": "Add notes to orders",
    "blob.upload": "Upload photos",
    "blob.view": "See photos of the own organisation",
    "repair.view": "See repair orders, their history, quotations, handovers and IMEI history",
    "repair.intake": "Take devices in for repair (single or batch)",
    "repair.accept": "Accept an order for repair, or return it unrepaired",
    "repair.forward": "Send a device to the higher-level point or the factory and receive it back",
    "repair.repair": "Start and finish repairs, record parts fitted",
    "repair.passcode": "Read a device's stored passcode (to test the repair)",
    "repair.quote": "Make quotations and record the customer's decision",
    "repair.qc": "Record the quality check of a repair",
    "repair.pickup": "Hand repaired devices back and settle the bill",
    "repair.convert": "Convert a repair into an exchange",
    "repair.follow_up": "Record the follow-up call of a completed repair",
    "repair.audit": "Audit completed repairs",
    "repair.unaudit": "Un-audit (反审核) an audited repair order, as an administrator switched into its point (spec §16.1)",
    "repair.deposit": "Take deposits on repair orders",
    "repair.refund": "Prepare refund slips",
    "repair.approve_refund": "Approve and pay out refund slips",
    "repair.handover": "Hand devices over between people (signed by the receiver)",
    "repair.packing": "Pack, send, check in and close packing lists (forwarding and return to factory)",
    "repair.loaner": "Lend loaner devices against repair orders and take them back",
    "repair.batch": "Take in, repair and hand back distributors' batches",
    "swap.view": "See accessory swap documents and the swap history (spec §3)",
    "swap.intake": "Take in a distributor's accessories and return them (附件受理, 归还客户)",
    "swap.factory": "Send accessories to the factory and receive them back (对换发厂, 对换发回)",
    "print.forms": "Print tickets, labels, receipts and lists of the documents one may see",
    "report.view": "See the back-office dashboard (orders by state, turnaround, comebacks) and run reports",
}

# Every staff role works offline at a counter, workshop or warehouse.
_EVERYONE = {"org.view", "basedata.view", "sync.replicate", "note.view", "note.add", "blob.upload", "blob.view",
             "print.forms"}
_CUSTOMERS = {"customer.view", "customer.manage"}
# Back office: personal data in bulk (export, import) and erased; scoped like the rest.
_CUSTOMER_DATA = _CUSTOMERS | {"customer.personal_data"}
_STOCK_ALL = {"stock.view", "stock.manage", "stock.post", "stock.requisition"}
_FINANCE = {"finance.view", "finance.manage_accounts"}
# Administrators only (they act inside a point by switching user): never part of a role's bundle.
ADMIN_ONLY = frozenset({"admin.switch_user", "repair.unaudit"})
_REPAIR_ALL = {p for p in PERMISSIONS if p.startswith("repair.")} - ADMIN_ONLY
_SWAP = {"swap.view", "swap.intake", "swap.factory"}
_COUNTER = {"repair.view", "repair.intake", "repair.accept", "repair.forward", "repair.quote", "repair.pickup",
            "repair.convert", "repair.deposit", "repair.refund", "repair.handover", "repair.packing", "repair.loaner",
            "repair.batch"}

GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "hq_manager": frozenset(_EVERYONE | _CUSTOMER_DATA | {"org.manage", "user.view", "user.manage", "audit.view", "period.view",
                                                      "system.login_records", "basedata.manage", "basedata.manage_local",
                                                      "stock.view", "stock.check", "repair.view", "repair.follow_up",
                                                      "repair.audit", "repair.approve_refund", "report.view", "swap.view"} | _FINANCE),
    "sp_manager": frozenset(_EVERYONE | _CUSTOMER_DATA | _STOCK_ALL | {"user.view", "user.manage", "audit.view", "period.view",
                                                                   "basedata.manage_local", "finance.view", "report.view"} | _REPAIR_ALL | _SWAP),
    "clerk": frozenset(_EVERYONE | _CUSTOMERS | _COUNTER | _SWAP | {"stock.view"}),
    "engineer": frozenset(_EVERYONE | {"stock.view", "stock.requisition", "repair.view", "repair.accept", "repair.repair",
                                       "repair.passcode", "repair.quote", "repair.handover"}),
    "qc": frozenset(_EVERYONE | {"repair.view", "repair.qc", "repair.handover"}),
    "courier": frozenset(_EVERYONE | {"repair.view", "repair.forward", "repair.handover", "repair.packing", "swap.view",
                                      "swap.factory"}),
    "warehouse": frozenset(_EVERYONE | _STOCK_ALL | {"repair.view", "swap.view", "swap.factory"}),
    "finance": frozenset(_EVERYONE | _FINANCE | {"period.view", "period.manage", "customer.view", "stock.view", "repair.view",
                                                 "repair.deposit", "repair.refund", "repair.approve_refund",
                                                 "repair.audit"}),
    "cs_agent": frozenset(_EVERYONE | _CUSTOMERS | {"repair.view", "repair.follow_up"}),
    # Dealers see their own devices through the portal, not the internal network.
    "dealer": frozenset(),
}

# Exchange (spec §2): who works it. The counter takes in, hands over, sends and converts; a manager
# also overrides the rules and reverses steps; headquarters sets the brands' rules.
_EXCHANGE_ALL = frozenset(p for p in PERMISSIONS if p.startswith("exchange."))
_EXCHANGE_COUNTER = frozenset({"exchange.view", "exchange.intake", "exchange.handover", "exchange.dispatch",
                               "exchange.convert"})
_EXCHANGE_GRANTS = {"hq_manager": frozenset({"exchange.view", "exchange.rules"}),
                    "sp_manager": _EXCHANGE_ALL - {"exchange.rules"}, "clerk": _EXCHANGE_COUNTER,
                    "courier": frozenset({"exchange.view", "exchange.dispatch"}),
                    "warehouse": frozenset({"exchange.view", "exchange.dispatch"}),
                    "finance": frozenset({"exchange.view"}), "cs_agent": frozenset({"exchange.view"})}
GRANTS = {role: perms | _EXCHANGE_GRANTS.get(role, frozenset()) for role, perms in GRANTS.items()}


def _merge_areas() -> None:
    """The areas' own permissions and grants (server/areas.py); an administrator holds them all."""
    from ..areas import modules

    for m in modules("grants"):
        clash = set(m.PERMISSIONS) & set(PERMISSIONS)
        assert not clash, f"permissions declared twice: {clash}"
        PERMISSIONS.update(m.PERMISSIONS)
        for role, perms in m.GRANTS.items():
            GRANTS[role] = GRANTS[role] | frozenset(perms)
        GRANTS["admin"] = GRANTS["admin"] | frozenset(m.PERMISSIONS)


_merge_areas()


def permissions_for(roles: list[str] | set[str] | frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for role in roles:
        out |= GRANTS.get(role, frozenset())
    return frozenset(out)


def _check_catalogue() -> None:
    assert set(GRANTS) == set(ROLES), "every role needs a grant entry"
    for role, perms in GRANTS.items():
        unknown = perms - set(PERMISSIONS)
        assert not unknown, f"role {role} grants unknown permissions {unknown}"
        assert role == "admin" or not perms & ADMIN_ONLY, f"role {role} grants administrators' permissions"


_check_catalogue()
