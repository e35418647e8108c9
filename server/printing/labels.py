"""The words on printed forms, Chinese by default, English on request (``lang=en``).

Kept here rather than in the PWA's locale files: the server prints, and a form must read the
same whichever client asked for it. Terms follow the spec (客户联, 存根联, 维修机移交单 …).
"""

from __future__ import annotations

LANGS = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "intake_ticket": "维修受理单", "customer_copy": "客户联", "stub_copy": "存根联", "device_label": "维修标签",
        "quotation": "维修报价单", "pickup_receipt": "取机结算单", "deposit_receipt": "押金收据", "refund_receipt": "退款单",
        "handover_slip": "维修机移交单", "packing_list": "维修装箱单", "loaner_slip": "维修备机单",
        "batch_acceptance": "批量受理清单",
        "exchange_ticket": "换机受理单", "exchange_certificate": "换机凭证", "exchange_mode": "换机方式",
        "old_imei": "旧机 IMEI", "new_imei": "新机 IMEI", "old_model": "旧机型号", "new_model": "新机型号",
        "exchange_state": "当前状态", "sale_date": "购机日期", "warranty_until": "保修截止", "eligibility": "三包判定",
        "override": "例外换机原因", "exchanged_at": "换机时间", "new_warranty": "新机保修",
        "warranty_period": "{0} 至 {1}（{2} 个月）", "exchange_fee": "换机差价", "not_handed_over": "新机尚未交付",
        "exchange_scan": "取新机或查询时出示此码",
        # 换机装箱单: a factory box of exchange units only, or mixed with repair devices.
        "exchange_packing_list": "换机装箱单", "mixed_packing_list": "维修换机装箱单", "exchange_order": "换机单号",
        "kind_exchange": "返厂换机", "exchange_tag": "换机", "total_exchanges": "换机合计", "of_which": "其中",
        "repair_units": "维修", "exchange_units": "换机", "replacement_received": "厂家新机",
        "swap_intake_slip": "附件受理单", "swap_send_list": "对换发厂清单", "distributor": "经销商", "serials": "序列号",
        "condition": "状况", "verdict": "处理", "swap_intake_no": "受理单号", "distributor_signature": "经销商签名",
        "swap_terms": "附件在保免费更换同型号；两次更换仍故障可退款。厂家发回后凭此单取回。",
        "number": "单号", "provisional_code": "临时编号", "date": "日期", "taken_at": "受理时间", "clerk": "受理人", "handled_by": "经办人",
        "customer": "客户", "phone": "电话", "device": "机型", "imei": "IMEI/串号", "colour": "颜色",
        "accessories": "随机附件", "received": "已收", "not_received": "未收", "none": "无", "fault": "故障描述",
        "appearance": "外观", "photos": "外观照片", "photos_taken": "外观照片 ", "warranty": "保修状态", "chargeable": "收费",
        "free": "免费", "mode": "维修方式", "promised": "预计完成", "deposit": "押金", "terms_title": "须知",
        "customer_signature": "客户签名", "clerk_signature": "经办人签名", "signature": "签名", "signed_on_file": "已签（存档）",
        "scan_to_open": "取机时出示此码", "order": "维修单号", "line_no": "序号", "item": "项目", "quantity": "数量",
        "unit_price": "单价", "amount": "金额", "total": "合计", "parts": "配件费", "labour": "工时费", "check_fee": "检测费",
        "bill_total": "应收合计", "deposit_applied": "押金抵扣", "amount_paid": "实收", "change_returned": "退还押金",
        "paid_by": "收款账户", "status": "状态", "draft": "待审批", "posted": "已生效", "reversed": "已冲红",
        "quotation_pending": "待客户确认", "quotation_accepted": "客户已同意", "quotation_declined": "客户已拒绝",
        "quotation_superseded": "已作废", "valid_note": "报价以检测结果为准，客户签字确认后开始维修。",
        "deposit_amount": "押金金额", "refund_amount": "退款金额", "reason": "原因", "received_from": "交款人",
        "paid_to": "收款人", "hop": "交接", "from_user": "交出人", "to_user": "接收人", "time": "时间", "place": "地点",
        "note": "备注", "receiver_signature": "接收人签名", "current_holder": "当前保管人", "state": "当前状态",
        "page": "第", "of": "页，共", "pages": "页", "from": "发出方", "to": "接收方", "address": "地址",
        "contact": "联系人", "carrier": "承运商", "waybill": "运单号", "ship_date": "发货日期", "packed_by": "装箱人",
        "checked_by": "接收核对", "total_devices": "设备合计", "units": "台", "kind_forward": "转送上级网点",
        "kind_factory": "返厂维修", "kind_return": "返回", "loaner": "备机", "loaner_condition": "备机状况",
        "lent_at": "借出时间", "due_date": "应还日期", "returned_at": "归还时间", "return_condition": "归还状况",
        "not_returned": "未归还", "return_signature": "归还确认签名", "dealer": "经销商", "dealer_code": "经销商编号",
        "accepted_at": "受理时间", "received_by": "接收人", "model": "型号", "mode_A": "自行维修", "mode_B": "转送维修",
        "mode_C": "返厂维修", "mode_D": "维修转换机", "walk_in": "散客", "yes": "是", "no": "否",
        "line_missing": "未到货", "line_unexpected": "清单外（到货发现）", "draft_list": "装箱中，未发出",
        "condition_good": "完好", "condition_damaged": "损坏", "damage_charge": "损坏赔偿", "return_note": "归还备注",
        # Punctuation follows the language: an English form carries no full-width marks.
        "colon": "：", "lp": "（", "rp": "）", "list_sep": "、", "semi": "；",
        # Warehouse documents (titles come from server.stock.documents.DOC_TYPES).
        "stocktake_sheet": "库存盘点表", "doc_kind": "业务类型", "warehouse": "仓库", "warehouse_in": "入库仓库",
        "warehouse_out": "出库仓库", "warehouse_from": "调出仓库", "warehouse_to": "调入仓库", "supplier": "供应商",
        "party_customer": "客户", "engineer": "工程师", "reference": "关联单号", "formula": "拆装公式",
        "prepared": "制单", "posted_by": "过账", "reversed_by": "红冲", "reverses": "冲销原单", "reversal_no": "红冲单号",
        "code": "编码", "item_model": "名称 / 型号", "unit": "单位", "unit_cost": "单价", "serials": "串号",
        "book_qty": "账面数量", "counted_qty": "实盘数量", "difference": "盈亏数量", "difference_value": "盈亏金额",
        "on_hand": "库存数量", "new_cost": "新单价", "value_change": "调整金额", "line_out": "出", "line_in": "入",
        "serials_found": "盘盈", "serials_missing": "盘亏",
        "stock_draft": "草稿 · 未过账", "stock_reversed": "已红冲", "stock_reversal": "红冲单",
        "watermark_draft": "草稿", "watermark_reversed": "已红冲",
        "sign_prepared": "制单", "sign_approved": "审核", "sign_keeper": "仓管员", "sign_deliverer": "送货人",
        "sign_receiver": "收货人", "sign_requisitioner": "领料人", "sign_returner": "退料人", "sign_counter": "盘点人",
        "sign_witness": "监盘人", "sign_keeper_out": "调出仓管", "sign_keeper_in": "调入仓管", "sign_engineer": "维修工程师",
        "sign_destroy_witness": "监销人",
    },
    "en": {
        "intake_ticket": "Repair intake ticket", "customer_copy": "Customer copy", "stub_copy": "Counter copy",
        "device_label": "Repair label", "quotation": "Repair quotation", "pickup_receipt": "Pickup receipt",
        "deposit_receipt": "Deposit receipt", "refund_receipt": "Refund slip", "handover_slip": "Device handover slip",
        "packing_list": "Repair packing list", "loaner_slip": "Loaner slip", "batch_acceptance": "Batch acceptance list",
        "exchange_ticket": "Exchange ticket", "exchange_certificate": "Exchange certificate", "exchange_mode": "Exchange mode",
        "old_imei": "Old IMEI", "new_imei": "New IMEI", "old_model": "Old model", "new_model": "New model",
        "exchange_state": "State", "sale_date": "Bought on", "warranty_until": "Warranty until", "eligibility": "Warranty rules",
        "override": "Override reason", "exchanged_at": "Exchanged", "new_warranty": "New unit's warranty",
        "warranty_period": "{0} to {1} ({2} months)", "exchange_fee": "Price difference",
        "not_handed_over": "The replacement has not been handed over yet", "exchange_scan": "Show this code to collect or ask",
        "exchange_packing_list": "Exchange packing list", "mixed_packing_list": "Repair and exchange packing list",
        "exchange_order": "Exchange order", "kind_exchange": "Exchange, return to factory", "exchange_tag": "Exchange",
        "total_exchanges": "Exchange units", "of_which": "of which", "repair_units": "repair", "exchange_units": "exchange",
        "replacement_received": "Manufacturer's unit",
        "swap_intake_slip": "Accessory intake slip", "swap_send_list": "Send-to-factory list", "distributor": "Distributor",
        "serials": "Serials", "condition": "Condition", "verdict": "Outcome", "swap_intake_no": "Intake no.",
        "distributor_signature": "Distributor's signature",
        "swap_terms": "Accessories in warranty are replaced free with the same model; after two replacements that failed, refunded. Bring this slip to collect them.",
        "number": "No.", "provisional_code": "Provisional code", "date": "Date", "taken_at": "Taken in", "clerk": "Clerk",
        "handled_by": "Handled by",
        "customer": "Customer", "phone": "Phone", "device": "Model", "imei": "IMEI / serial", "colour": "Colour",
        "accessories": "Accessories", "received": "received", "not_received": "not received", "none": "none",
        "fault": "Fault", "appearance": "Appearance", "photos": "Appearance photos", "photos_taken": "",
        "warranty": "Warranty", "chargeable": "chargeable", "free": "free of charge", "mode": "Repair mode",
        "promised": "Promised by", "deposit": "Deposit", "terms_title": "Terms", "customer_signature": "Customer signature",
        "clerk_signature": "Clerk signature", "signature": "Signature", "signed_on_file": "signed (on file)",
        "scan_to_open": "Show this code at pickup", "order": "Repair order", "line_no": "#", "item": "Item",
        "quantity": "Qty", "unit_price": "Unit price", "amount": "Amount", "total": "Total", "parts": "Parts",
        "labour": "Labour", "check_fee": "Check fee", "bill_total": "Bill total", "deposit_applied": "Deposit applied",
        "amount_paid": "Paid", "change_returned": "Deposit returned", "paid_by": "Account", "status": "Status",
        "draft": "awaiting approval", "posted": "posted", "reversed": "reversed", "quotation_pending": "awaiting the customer",
        "quotation_accepted": "accepted by the customer", "quotation_declined": "declined by the customer",
        "quotation_superseded": "superseded",
        "valid_note": "Prices are subject to inspection; the repair starts once the customer has signed.",
        "deposit_amount": "Deposit", "refund_amount": "Refund", "reason": "Reason", "received_from": "Received from",
        "paid_to": "Paid to", "hop": "Hop", "from_user": "From", "to_user": "To", "time": "Time", "place": "Place",
        "note": "Note", "receiver_signature": "Receiver's signature", "current_holder": "Current holder", "state": "State",
        "page": "Page", "of": "of", "pages": "", "from": "From", "to": "To", "address": "Address", "contact": "Contact",
        "carrier": "Carrier", "waybill": "Waybill", "ship_date": "Shipped", "packed_by": "Packed by",
        "checked_by": "Checked on receipt", "total_devices": "Devices", "units": "", "kind_forward": "Forwarded to the higher-level point",
        "kind_factory": "Return to factory", "kind_return": "Returned", "loaner": "Loaner device",
        "loaner_condition": "Condition", "lent_at": "Lent", "due_date": "Due back", "returned_at": "Returned",
        "return_condition": "Condition on return", "not_returned": "not yet returned", "return_signature": "Return signature",
        "dealer": "Dealer", "dealer_code": "Dealer code", "accepted_at": "Accepted", "received_by": "Received by",
        "model": "Model", "mode_A": "self repair", "mode_B": "forwarded repair", "mode_C": "return to factory",
        "mode_D": "converted to exchange", "walk_in": "walk-in", "yes": "yes", "no": "no",
        "line_missing": "missing", "line_unexpected": "not on the list (found in the box)",
        "draft_list": "being packed, not sent", "condition_good": "good", "condition_damaged": "damaged",
        "damage_charge": "Damage charge", "return_note": "Return note",
        "colon": ": ", "lp": " (", "rp": ")", "list_sep": ", ", "semi": "; ",
        "stocktake_sheet": "Stocktake sheet", "doc_kind": "Type", "warehouse": "Warehouse", "warehouse_in": "Into warehouse",
        "warehouse_out": "From warehouse", "warehouse_from": "From warehouse", "warehouse_to": "To warehouse",
        "supplier": "Supplier", "party_customer": "Customer", "engineer": "Engineer", "reference": "Reference",
        "formula": "Formula", "prepared": "Prepared", "posted_by": "Posted", "reversed_by": "Reversed",
        "reverses": "Reverses", "reversal_no": "Reversal No.", "code": "Code", "item_model": "Item / model",
        "unit": "Unit", "unit_cost": "Unit cost", "serials": "Serials", "book_qty": "Book", "counted_qty": "Counted",
        "difference": "Diff.", "difference_value": "Value", "on_hand": "On hand", "new_cost": "New unit cost",
        "value_change": "Value change", "line_out": "out", "line_in": "in", "serials_found": "Found",
        "serials_missing": "Missing",
        "stock_draft": "DRAFT · not posted", "stock_reversed": "REVERSED", "stock_reversal": "REVERSAL",
        "watermark_draft": "DRAFT", "watermark_reversed": "REVERSED",
        "sign_prepared": "Prepared by", "sign_approved": "Approved by", "sign_keeper": "Storekeeper",
        "sign_deliverer": "Delivered by", "sign_receiver": "Received by", "sign_requisitioner": "Drawn by",
        "sign_returner": "Returned by", "sign_counter": "Counted by", "sign_witness": "Witnessed by",
        "sign_keeper_out": "Issuing storekeeper", "sign_keeper_in": "Receiving storekeeper", "sign_engineer": "Engineer",
        "sign_destroy_witness": "Destruction witnessed by",
    },
}

# What a count reads as: Chinese counts with a measure word, English needs the plural.
COUNTS: dict[str, dict[str, tuple[str, str]]] = {
    "photo": {"zh": ("{n} 张", "{n} 张"), "en": ("{n} photo", "{n} photos")},
    "line": {"zh": ("共 {n} 行", "共 {n} 行"), "en": ("{n} line", "{n} lines")},
    "device": {"zh": ("{n} 台", "{n} 台"), "en": ("{n} device", "{n} devices")},
}


def count(n: int, what: str, lang: str) -> str:
    """``count(1, "photo", "en")`` → "1 photo"; 2 → "2 photos"; zh → "1 张"."""
    one, many = COUNTS[what][lang]
    return (one if n == 1 else many).format(n=n)


# The kinds of the warehouse documents (server.stock.documents.DOC_TYPES[...].kinds) as printed.
STOCK_KINDS: dict[tuple[str, str], dict[str, str]] = {
    ("goods_receipt", "purchase"): {"zh": "采购入库", "en": "Purchase"},
    ("goods_receipt", "wholesale_return"): {"zh": "批发退货入库", "en": "Wholesale return"},
    ("goods_receipt", "other"): {"zh": "其他入库", "en": "Other receipt"},
    ("goods_issue", "wholesale"): {"zh": "批发出库", "en": "Wholesale"},
    ("goods_issue", "purchase_return"): {"zh": "采购退货出库", "en": "Return to supplier"},
    ("goods_issue", "other"): {"zh": "其他出库", "en": "Other issue"},
    ("engineer_return", "surplus"): {"zh": "余料退回（良品）", "en": "Surplus good parts"},
    ("engineer_return", "defective"): {"zh": "坏件退回", "en": "Replaced defective parts"},
    ("stock_adjustment", "opening"): {"zh": "初始化库存", "en": "Opening stock"},
    ("stock_adjustment", "stocktake"): {"zh": "盘盈盘亏", "en": "Stocktake gain / loss"},
    ("stock_adjustment", "scrap"): {"zh": "坏件销毁", "en": "Scrapping defective parts"},
    ("stock_adjustment", "return_to_customer"): {"zh": "坏料退还客户", "en": "Defective parts returned to the customer"},
    ("disassembly", "disassemble"): {"zh": "拆整为散", "en": "Break a device into parts"},
    ("disassembly", "assemble"): {"zh": "组散为整", "en": "Assemble parts into a device"},
}

TERMS: dict[str, dict[str, list[str]]] = {
    "intake": {"zh": [
        "请凭本单及二维码取机，遗失请持身份证件办理。",
        "送修前请自行备份数据，维修过程中数据丢失本店不承担责任。",
        "维修完成通知后九十天未取的设备，本店有权按相关规定处理。",
        "保外维修须经客户确认报价后方可进行。",
    ], "en": [
        "Bring this ticket and its QR code to collect the device; without it, bring an identity document.",
        "Back up your data before handing the device in; we are not liable for data lost during the repair.",
        "Devices not collected within 90 days of our notice may be disposed of as the law allows.",
        "Out-of-warranty repairs start only after the customer has accepted the quotation.",
    ]},
    "exchange": {"zh": [
        "请凭本单及二维码领取新机或查询进度，遗失请持身份证件办理。",
        "交机前请自行备份并清除数据；旧机交回后归本店及厂家处理，数据不予恢复。",
        "换机依《移动电话机商品修理更换退货责任规定》及品牌三包规定办理。",
    ], "en": [
        "Bring this ticket and its QR code to collect the replacement or to ask about it; without it, bring an identity document.",
        "Back up and erase your data before handing the device in; the old unit goes to us and the manufacturer, its data is not recovered.",
        "Exchanges follow the mobile phone warranty regulation and the brand's rules.",
    ]},
    "exchange_certificate": {"zh": [
        "新机三包有效期自换机之日起重新计算（品牌另有规定的从其规定），请妥善保管本凭证。",
        "旧机已由本店收回，旧机保修卡同时作废。",
    ], "en": [
        "The replacement's warranty runs from the day of the exchange (unless the brand's rules say otherwise); keep this certificate.",
        "The old unit is ours now and its warranty card is closed.",
    ]},
    "loaner": {
        "zh": ["备机仅供维修期间使用，请于取回送修设备时一并归还。", "备机如有损坏或遗失，按押金或备机价值赔偿。"],
        "en": ["The loaner is lent for the duration of the repair; return it when you collect your device.",
               "A damaged or lost loaner is paid for from the deposit or at its value."],
    },
}
