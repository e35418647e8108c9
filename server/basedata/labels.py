"""The words for base data: each field's and each choice's zh-CN/en label, stated once here and
exported with the kinds by ``/api/meta/documents`` (a field's label is the same in every kind)."""

from __future__ import annotations

FIELD_LABELS: dict[str, dict[str, str]] = {
    "code": {"zh-CN": "编码", "en": "Code"},
    "name": {"zh-CN": "名称", "en": "Name"},
    "name_en": {"zh-CN": "英文名称", "en": "English name"},
    "active": {"zh-CN": "启用", "en": "Active"},
    "kind": {"zh-CN": "类别", "en": "Kind"},
    "scope": {"zh-CN": "适用范围", "en": "Applies to"},
    "item_kind": {"zh-CN": "品类", "en": "Category"},
    "repair_level_id": {"zh-CN": "维修级别", "en": "Repair level"},
    "rate_percent": {"zh-CN": "提成比例（%）", "en": "Rate (%)"},
    "fixed_amount": {"zh-CN": "固定金额", "en": "Fixed amount"},
    "brand_id": {"zh-CN": "品牌", "en": "Brand"},
    "brand_ids": {"zh-CN": "擅长品牌", "en": "Brands"},
    "model_id": {"zh-CN": "型号", "en": "Model"},
    "model_ids": {"zh-CN": "适用型号", "en": "Models"},
    "item_id": {"zh-CN": "产品", "en": "Item"},
    "device_item_id": {"zh-CN": "整机", "en": "Whole device"},
    "component_item_id": {"zh-CN": "配件", "en": "Component"},
    "quantity": {"zh-CN": "数量", "en": "Quantity"},
    "lines": {"zh-CN": "组成", "en": "Components"},
    "unit": {"zh-CN": "单位", "en": "Unit"},
    "barcode": {"zh-CN": "条码", "en": "Barcode"},
    "serialized": {"zh-CN": "串号管理", "en": "Serial tracked"},
    "standard_cost": {"zh-CN": "标准成本", "en": "Standard cost"},
    "retail_price": {"zh-CN": "零售价", "en": "Retail price"},
    "wholesale_price": {"zh-CN": "批发价", "en": "Wholesale price"},
    "repair_price": {"zh-CN": "维修价", "en": "Repair price"},
    "warranty_months": {"zh-CN": "保修月数", "en": "Warranty (months)"},
    "sort_order": {"zh-CN": "排序", "en": "Order"},
    "roles": {"zh-CN": "单位类型", "en": "Roles"},
    "contact_name": {"zh-CN": "联系人", "en": "Contact"},
    "phone": {"zh-CN": "电话", "en": "Phone"},
    "address": {"zh-CN": "地址", "en": "Address"},
    "tax_number": {"zh-CN": "税号", "en": "Tax number"},
    "bank_name": {"zh-CN": "开户银行", "en": "Bank"},
    "bank_account": {"zh-CN": "银行账号", "en": "Bank account"},
    "credit_limit": {"zh-CN": "信用额度", "en": "Credit limit"},
    "discount_percent": {"zh-CN": "批发折扣 (%)", "en": "Wholesale discount (%)"},
    "account_number": {"zh-CN": "账号", "en": "Account number"},
    "currency": {"zh-CN": "币种", "en": "Currency"},
    "business_line": {"zh-CN": "业务线", "en": "Business line"},
    "note": {"zh-CN": "备注", "en": "Note"},
    "manufacturer_id": {"zh-CN": "厂家", "en": "Manufacturer"},
    "grade": {"zh-CN": "级别", "en": "Grade"},
    "labour_charge": {"zh-CN": "工时费（向客户收取）", "en": "Labour charge (customer)"},
    "labour_fee": {"zh-CN": "工时费（厂家结算）", "en": "Labour fee (manufacturer)"},
    "user_id": {"zh-CN": "登录账号", "en": "User account"},
    "category": {"zh-CN": "分类", "en": "Category"},
    "rule": {"zh-CN": "保修规则", "en": "Warranty rule"},
    "chargeable": {"zh-CN": "收费", "en": "Chargeable"},
    "claimable": {"zh-CN": "可向厂家索赔", "en": "Claimable"},
    "gender": {"zh-CN": "性别", "en": "Gender"},
    "email": {"zh-CN": "电子邮箱", "en": "Email"},
    "registered_org_id": {"zh-CN": "登记网点", "en": "Registered at"},
    "imei": {"zh-CN": "IMEI", "en": "IMEI"},
    "buyer_name": {"zh-CN": "购机人", "en": "Buyer"},
    "buyer_phone": {"zh-CN": "购机人电话", "en": "Buyer's phone"},
    "sale_date": {"zh-CN": "销售日期", "en": "Sale date"},
    "dealer_id": {"zh-CN": "经销商", "en": "Dealer"},
    "period_months": {"zh-CN": "保修期（月）", "en": "Warranty (months)"},
    "invoice_number": {"zh-CN": "发票号", "en": "Invoice number"},
    "org_id": {"zh-CN": "所属网点", "en": "Service point"},
    "role": {"zh-CN": "单位类型", "en": "Role"},
    "q": {"zh-CN": "搜索", "en": "Search"},
}

# Choices by field name (the same name has the same choices in every kind that has it).
CHOICE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "item_kind": {
        "": {"zh-CN": "不限", "en": "Any"},
        "device": {"zh-CN": "整机", "en": "Whole device"}, "mainboard": {"zh-CN": "主板", "en": "Mainboard"},
        "part": {"zh-CN": "配件", "en": "Part"}, "accessory": {"zh-CN": "附件", "en": "Accessory"},
    },
    "roles": {
        "manufacturer": {"zh-CN": "厂家", "en": "Manufacturer"}, "dealer": {"zh-CN": "经销商", "en": "Dealer"},
        "supplier": {"zh-CN": "供应商", "en": "Supplier"}, "distributor": {"zh-CN": "分销商", "en": "Distributor"},
        "insurer": {"zh-CN": "保险公司", "en": "Insurer"},
    },
    "scope": {"item": {"zh-CN": "按产品", "en": "Item"}, "category": {"zh-CN": "按品类", "en": "Category"},
              "grade": {"zh-CN": "按工程师级别", "en": "Engineer grade"}},
    "warehouse_kind": {
        "good": {"zh-CN": "良品仓", "en": "Good stock"}, "defective": {"zh-CN": "坏件仓", "en": "Defective"},
        "loaner": {"zh-CN": "备用机仓", "en": "Loaners"}, "in_transit": {"zh-CN": "在途仓", "en": "In transit"},
        "scrap": {"zh-CN": "报废仓", "en": "Scrap"},
    },
    "rule": {
        "in_warranty": {"zh-CN": "保内", "en": "In warranty"}, "out_of_warranty": {"zh-CN": "保外", "en": "Out of warranty"},
        "pending_inspection": {"zh-CN": "待检测", "en": "Pending inspection"}, "other": {"zh-CN": "其他", "en": "Other"},
    },
    "gender": {"": {"zh-CN": "未填", "en": "Not given"}, "male": {"zh-CN": "男", "en": "Male"},
               "female": {"zh-CN": "女", "en": "Female"}},
    "money_account_kind": {"bank": {"zh-CN": "银行账户", "en": "Bank account"}, "cash": {"zh-CN": "现金", "en": "Cash"}},
    "currency": {"CNY": {"zh-CN": "人民币", "en": "CNY"}},
}

# A field named ``kind`` means something else in each kind: its choices are looked up by kind.
KIND_CHOICES = {"items": "item_kind", "warehouses": "warehouse_kind", "money-accounts": "money_account_kind"}


def choice_labels(kind: str, field: str) -> dict[str, dict[str, str]]:
    """The labels of a field's choices in a kind ({} when it has none here)."""
    key = KIND_CHOICES.get(kind, field) if field == "kind" else ("roles" if field == "role" else field)
    return CHOICE_LABELS.get(key, {})
