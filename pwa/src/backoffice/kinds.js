// The base-data kinds the back office manages: one catalogue drives the generic screen (list
// columns, filters, the form, the import columns). It follows server/basedata/kinds.py (the
// registry); a field's label is backoffice.field.<name>, an enum value backoffice.enum.<enum>.<value>.

export const ITEM_KINDS = ['device', 'mainboard', 'part', 'accessory']
export const PARTY_ROLES = ['manufacturer', 'dealer', 'supplier', 'distributor']
export const WAREHOUSE_KINDS = ['good', 'defective', 'loaner', 'in_transit', 'scrap']
export const WARRANTY_RULES = ['in_warranty', 'out_of_warranty', 'pending_inspection', 'other']

const CODE = { name: 'code', type: 'code', required: true, max: 40, list: true }
const NAME = { name: 'name', type: 'str', required: true, max: 160, list: true }
const ACTIVE = { name: 'active', type: 'bool', default: true, list: true }

export const KINDS = [
  {
    name: 'items', icon: 'inventory', manage: 'basedata.manage',
    fields: [
      CODE, NAME,
      { name: 'kind', type: 'enum', enum: 'itemKind', choices: ITEM_KINDS, required: true, list: true, filter: true },
      { name: 'brand_id', type: 'ref', ref: 'brands' },
      { name: 'model_id', type: 'ref', ref: 'models', list: true },
      { name: 'unit', type: 'str', max: 16, default: '个', list: true },
      { name: 'barcode', type: 'str', max: 64 },
      { name: 'serialized', type: 'bool', default: false },
      { name: 'standard_cost', type: 'decimal', default: '0.00' },
      { name: 'retail_price', type: 'decimal', default: '0.00', list: true },
      { name: 'wholesale_price', type: 'decimal', default: '0.00' },
      { name: 'repair_price', type: 'decimal', default: '0.00', list: true },
      ACTIVE,
    ],
  },
  {
    name: 'models', manage: 'basedata.manage',
    fields: [
      CODE, { ...NAME, max: 120 },
      { name: 'brand_id', type: 'ref', ref: 'brands', required: true, list: true, filter: true },
      { name: 'warranty_months', type: 'int', default: 12, min: 0, max: 120, list: true },
      ACTIVE,
    ],
  },
  {
    name: 'brands', manage: 'basedata.manage',
    fields: [{ ...CODE, max: 32 }, { ...NAME, max: 80 }, { name: 'name_en', type: 'str', max: 80, default: '', list: true }, ACTIVE],
  },
  {
    name: 'parties', manage: 'basedata.manage', filterParam: { roles: 'role' },
    fields: [
      { ...CODE, max: 32 }, NAME,
      { name: 'roles', type: 'enums', enum: 'partyRole', choices: PARTY_ROLES, required: true, list: true, filter: true },
      { name: 'contact_name', type: 'str', max: 80, default: '', list: true },
      { name: 'phone', type: 'str', max: 40, default: '', list: true },
      { name: 'address', type: 'str', max: 300, default: '' },
      { name: 'tax_number', type: 'str', max: 40, default: '' },
      { name: 'bank_name', type: 'str', max: 120, default: '' },
      { name: 'bank_account', type: 'str', max: 64, default: '' },
      { name: 'note', type: 'text', max: 2000, default: '' },
      ACTIVE,
    ],
  },
  {
    name: 'fault-symptoms', manage: 'basedata.manage',
    fields: [
      { ...CODE, max: 32 }, { ...NAME, max: 120 },
      { name: 'category', type: 'str', max: 60, default: '', list: true },
      { name: 'model_ids', type: 'refs', ref: 'models' },
      ACTIVE,
    ],
  },
  {
    name: 'repair-methods', manage: 'basedata.manage',
    fields: [
      { ...CODE, max: 32 }, { ...NAME, max: 120 },
      { name: 'category', type: 'str', max: 60, default: '', list: true },
      { name: 'grade', type: 'int', default: 1, min: 1, max: 9, list: true },
      { name: 'model_ids', type: 'refs', ref: 'models' },
      ACTIVE,
    ],
  },
  {
    name: 'warranty-statuses', manage: 'basedata.manage',
    fields: [
      { ...CODE, max: 32 }, { ...NAME, max: 60 }, { name: 'name_en', type: 'str', max: 60, default: '' },
      { name: 'rule', type: 'enum', enum: 'warrantyRule', choices: WARRANTY_RULES, default: 'other', list: true, filter: true },
      { name: 'chargeable', type: 'bool', default: false, list: true },
      { name: 'claimable', type: 'bool', default: false, list: true },
      ACTIVE,
    ],
  },
  {
    name: 'warehouses', manage: 'basedata.manage_local', orgOwned: true,
    fields: [
      { ...CODE, max: 32 }, { ...NAME, max: 80 },
      { name: 'kind', type: 'enum', enum: 'warehouseKind', choices: WAREHOUSE_KINDS, required: true, list: true, filter: true },
      ACTIVE,
    ],
  },
]

export const KIND_NAMES = KINDS.map((k) => k.name)

export function kindByName(name) {
  return KINDS.find((k) => k.name === name) || null
}

/** The i18n key of a kind's name: backoffice.kind.<camelCase>. */
export function kindKey(name) {
  return name.replace(/-(\w)/g, (_, c) => c.toUpperCase())
}

/** The import/export column of a field: references travel by code (server: F.column). */
export function importColumn(field) {
  if (field.type === 'ref') return field.name.replace(/_id$/, '_code')
  if (field.type === 'refs') return field.name.replace(/_ids$/, '_codes')
  return field.name
}

/** The columns an import file has, in order (server: importexport.columns). */
export function importColumns(kind) {
  return [...(kind.orgOwned ? ['org_code'] : []), ...kind.fields.map(importColumn)]
}

/** The field an import column belongs to (null for org_code or an unknown column). */
export function fieldOfColumn(kind, column) {
  return kind.fields.find((f) => importColumn(f) === column) || null
}

/** A new record's form values. */
export function blankRecord(kind) {
  const out = {}
  for (const f of kind.fields) {
    if (f.default !== undefined) out[f.name] = f.default
    else if (f.type === 'enums' || f.type === 'refs') out[f.name] = []
    else if (f.type === 'bool') out[f.name] = false
    else if (f.type === 'ref' || f.type === 'int' || f.type === 'decimal') out[f.name] = null
    else out[f.name] = ''
  }
  return out
}

/** The body of a create (every field) or an update (only what changed); numbers as the API wants them. */
export function recordBody(kind, values, original = null) {
  const body = {}
  for (const f of kind.fields) {
    let v = values[f.name]
    if (f.type === 'int') v = v === '' || v === null || v === undefined ? null : Number(v)
    if (f.type === 'decimal') v = v === '' || v === null || v === undefined ? null : String(v)
    if ((f.type === 'str' || f.type === 'text' || f.type === 'code') && typeof v === 'string') v = v.trim()
    if (v === null && !f.required && f.type !== 'ref') continue
    if (original) {
      const before = original[f.name]
      const same = Array.isArray(v) ? JSON.stringify([...v].sort()) === JSON.stringify([...(before || [])].sort())
        : f.type === 'decimal' ? Number(v) === Number(before) : v === before
      if (same) continue
    }
    body[f.name] = v
  }
  return body
}

/** The list's query parameter for a filter field (parties filter by `role`). */
export function filterParam(kind, field) {
  return kind.filterParam?.[field.name] || field.name
}
