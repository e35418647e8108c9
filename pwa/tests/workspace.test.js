// The document workspace's pure logic over an export shaped as GET /api/meta/documents answers
// (docs/workspace.md): fields per kind, actions by state and permission, draft bodies, totals,
// list queries, lookups, cells, the menu, and refusals in the person's language.
import { describe, expect, test } from 'vitest'
import {
  actionMap, allowedActions, blankDraft, displayRecord, docTitle, draftBody, draftFromDocument, eachLinks, entryByKey, fieldLink, fieldsFor,
  filterWhole, formatCell, headerFields, importColumns, kindLookup, lineFields, lineTotals, listQuery, listStateFromQuery, lookupAllows,
  lookupQuery, oneLabel, pick, previewQuery, previewValue, recordOf, recordsOf, serialState, siblings, splitList, workspaceMenu,
} from '../src/workspace/meta.js'
import { describeDocumentError, fieldLabel } from '../src/workspace/errors.js'
import { ApiError } from '../src/api/errors.js'
import { menuSections } from '../src/router/menu.js'
import { routes } from '../src/router/workspace.js'
import zhCN from '../src/i18n/zh-CN.js'
import en from '../src/i18n/en.js'

function translator(messages) {
  return (key, params = {}) => {
    const msg = key.split('.').reduce((o, k) => (o ? o[k] : undefined), messages)
    if (typeof msg !== 'string') return key
    return msg.replace(/\{(\w+)\}/g, (_, n) => String(params[n] ?? `{${n}}`))
  }
}
const t = translator(zhCN)
const L = (zh, e) => ({ 'zh-CN': zh, en: e })

const WAREHOUSES = { kind: 'warehouses', path: '/api/warehouses', search: 'q', display: ['name', 'code'], scope: 'org_id' }
const PARTIES = { kind: 'parties', path: '/api/parties', search: 'q', display: ['name', 'code'] }
const ITEMS = { kind: 'items', path: '/api/items', search: 'q', display: ['name', 'code'] }
const STATES = [['draft', '草稿', 'Draft'], ['posted', '已过账', 'Posted'], ['reversed', '已红冲', 'Reversed']].map(([v, z, e]) => ({ value: v, label: L(z, e) }))

const RECEIPT = {
  key: 'goods_receipt', family: 'stock', label: L('入库单', 'Goods receipt'), path: '/api/stock/goods-receipts', number_prefix: 'RK',
  read: '/api/stock/goods-receipts/{id}',
  kinds: [{ value: 'purchase', label: L('采购入库', 'Purchase') }, { value: 'other', label: L('其他入库', 'Other receipt') }],
  fields: [
    { name: 'kind', type: 'enum', label: L('业务类型', 'Type'), required: true, default: 'purchase', choices: [{ value: 'purchase', label: L('采购入库', 'Purchase') }, { value: 'other', label: L('其他入库', 'Other receipt') }] },
    { name: 'doc_date', type: 'date', label: L('单据日期', 'Date'), required: false },
    { name: 'warehouse_id', type: 'ref', label: L('仓库', 'Warehouse'), required: true, kinds: [], lookup: WAREHOUSES },
    { name: 'party_id', type: 'ref', label: L('往来单位', 'Party'), required: true, kinds: ['purchase'], lookup: { ...PARTIES, only: { roles: ['supplier'] } } },
    { name: 'reference', type: 'str', label: L('关联单号', 'Reference'), required: false, max_len: 80 },
    { name: 'note', type: 'text', label: L('备注', 'Note'), required: false, max_len: 2000 },
  ],
  lines: {
    item: 'item_id',
    fields: [
      { name: 'item_id', type: 'ref', label: L('产品', 'Item'), required: true, kinds: [], lookup: ITEMS },
      { name: 'quantity', type: 'decimal', places: 3, label: L('数量', 'Quantity'), required: true, kinds: [], total: true },
      { name: 'unit_cost', type: 'decimal', places: 4, label: L('单位成本', 'Unit cost'), required: false, kinds: [] },
      { name: 'serials', type: 'list', label: L('串号', 'Serials'), required: false, kinds: [] },
    ],
  },
  list: {
    columns: [{ name: 'number', type: 'str', label: L('单号', 'Number') }, { name: 'status', type: 'enum', label: L('状态', 'Status'), choices: STATES }],
    filters: [
      { name: 'status', type: 'enum', label: L('状态', 'Status'), choices: STATES },
      { name: 'warehouse_id', type: 'ref', label: L('仓库', 'Warehouse'), lookup: WAREHOUSES },
      { name: 'since', type: 'date', label: L('起始日期', 'From') },
    ],
    search: 'number', search_label: L('单号', 'Number'),
    sort: { param: 'sort', options: [{ value: 'doc_date', label: L('单据日期', 'Date') }] },
    totals: [{ name: 'quantity', type: 'decimal', label: L('数量', 'Quantity') }], export: null,
  },
  states: STATES, auditable: false,
  actions: [
    { name: 'create', label: L('新建', 'New'), method: 'POST', path: '/api/stock/goods-receipts', states: [] },
    { name: 'edit', label: L('编辑', 'Edit'), method: 'PATCH', path: '/api/stock/goods-receipts/{id}', states: ['draft'] },
    { name: 'delete', label: L('删除', 'Delete'), method: 'DELETE', path: '/api/stock/goods-receipts/{id}', states: ['draft'] },
    { name: 'post', label: L('过账', 'Post'), method: 'POST', path: '/api/stock/goods-receipts/{id}/post', states: ['draft'] },
    { name: 'reverse', label: L('红冲', 'Reverse'), method: 'POST', path: '/api/stock/goods-receipts/{id}/reverse', states: ['posted'],
      input: [{ name: 'reason', type: 'str', label: L('红冲原因', 'Reason'), required: true }, { name: 'on', type: 'date', label: L('红冲日期', 'Reversal date'), required: false }] },
  ],
  links: [{ field: 'reverses_id', label: L('原单', 'Reverses') }, { field: 'reversal_id', label: L('红冲单', 'Reversed by') }],
  ledgers: [], audit: null, prints: [],
}

const STOCKTAKE = {
  ...RECEIPT, key: 'stock_adjustment', label: L('库存调整单', 'Stock adjustment'),
  kinds: [{ value: 'opening', label: L('期初库存', 'Opening stock') }, { value: 'stocktake', label: L('盘点', 'Stocktake') }],
  fields: [{ ...RECEIPT.fields[0], default: 'opening' }, RECEIPT.fields[1], RECEIPT.fields[2]],
  lines: {
    item: 'item_id',
    fields: [
      RECEIPT.lines.fields[0],
      { ...RECEIPT.lines.fields[1], kinds: ['opening'] },
      { name: 'counted_quantity', type: 'decimal', places: 3, label: L('实盘数量', 'Counted'), required: true, kinds: ['stocktake'], total: true },
      { name: 'quantity', type: 'decimal', places: 3, label: L('盘盈(+)/盘亏(−)', 'Gain (+) / loss (−)'), required: false, kinds: ['stocktake'], filled: true, total: true },
    ],
  },
}

const META = { statuses: STATES, documents: [RECEIPT, STOCKTAKE], kinds: [{ ...RECEIPT, key: 'warehouses', family: 'basedata' }] }

describe('reading the export', () => {
  test('labels in the language shown, entries by key', () => {
    expect(pick(RECEIPT.label, 'en')).toBe('Goods receipt')
    expect(pick(RECEIPT.label, 'fr')).toBe('入库单')
    expect(entryByKey(META, 'stock_adjustment')).toBe(STOCKTAKE)
    expect(entryByKey(META, 'warehouses').family).toBe('basedata')
    expect(entryByKey(META, 'nope')).toBe(null)
  })

  test('a kind takes the fields declared for it', () => {
    expect(headerFields(RECEIPT, 'purchase').map((f) => f.name)).toEqual(['kind', 'doc_date', 'warehouse_id', 'party_id', 'reference', 'note'])
    expect(headerFields(RECEIPT, 'other').map((f) => f.name)).not.toContain('party_id')
    expect(lineFields(STOCKTAKE, 'stocktake').map((f) => f.name)).toEqual(['item_id', 'counted_quantity', 'quantity'])
    // A stocktake sheet is entered with counted quantities; the difference is posting's.
    expect(lineFields(STOCKTAKE, 'stocktake', { entered: true }).map((f) => f.name)).toEqual(['item_id', 'counted_quantity'])
    expect(lineFields(STOCKTAKE, 'opening', { entered: true }).map((f) => f.name)).toEqual(['item_id', 'quantity'])
    // The first declaration that names the kind wins.
    const twice = [{ name: 'warehouse_id', kinds: ['a'], n: 1 }, { name: 'warehouse_id', kinds: ['b'], n: 2 }]
    expect(fieldsFor(twice, 'b').map((f) => f.n)).toEqual([2])
  })
})

describe('actions', () => {
  test('offered when the user may (the export) and the document allows it (its own actions)', () => {
    const draft = { status: 'draft', actions: ['edit', 'delete', 'post'] }
    expect(allowedActions(RECEIPT, draft).map((a) => a.name)).toEqual(['edit', 'delete', 'post'])
    expect(allowedActions(RECEIPT, { status: 'posted', actions: ['reverse'] }).map((a) => a.name)).toEqual(['reverse'])
    // A reversal is posted but the server lists no reverse on it.
    expect(allowedActions(RECEIPT, { status: 'posted', actions: [] })).toEqual([])
    // A clerk (stock.view only) is given no actions by the export: none is offered.
    expect(allowedActions({ ...RECEIPT, actions: [] }, draft)).toEqual([])
    expect(actionMap(RECEIPT).create.path).toBe('/api/stock/goods-receipts')
  })
})

describe('drafts', () => {
  test('a new draft: default kind, today, one empty line', () => {
    const d = blankDraft(RECEIPT, { today: '2026-12-07' })
    expect(d).toMatchObject({ kind: 'purchase', doc_date: '2026-12-07', warehouse_id: null, party_id: null, reference: '' })
    expect(d.lines).toEqual([{ item_id: null, quantity: null, unit_cost: null, serials: [] }])
  })

  test('the body sends what the kind uses, decimals as typed strings, lines with an item', () => {
    const values = {
      ...blankDraft(RECEIPT, { today: '2026-12-07' }), warehouse_id: 'w1', party_id: 'p1', reference: ' PO-7 ',
      lines: [{ item_id: 'i1', quantity: '3', unit_cost: '400.50', serials: [] }, { item_id: null, quantity: '9' },
        { item_id: 'i2', quantity: 2, unit_cost: '', serials: 'A1, A2\nA3' }],
    }
    expect(draftBody(RECEIPT, values)).toEqual({
      kind: 'purchase', doc_date: '2026-12-07', warehouse_id: 'w1', party_id: 'p1', reference: 'PO-7', note: '',
      lines: [{ item_id: 'i1', quantity: '3', unit_cost: '400.50', serials: [] }, { item_id: 'i2', quantity: '2', serials: ['A1', 'A2', 'A3'] }],
    })
    // Another kind: a reference it does not use is cleared, not left behind.
    expect(draftBody(RECEIPT, { ...values, kind: 'other' }).party_id).toBe(null)
    // A stocktake line carries counted quantities, never the difference.
    const sheet = draftBody(STOCKTAKE, { kind: 'stocktake', warehouse_id: 'w1', lines: [{ item_id: 'i1', counted_quantity: '0', quantity: '5' }] })
    expect(sheet.lines).toEqual([{ item_id: 'i1', counted_quantity: '0' }])
  })

  test('a stored draft comes back as form values (component lines left out)', () => {
    const doc = { kind: 'purchase', doc_date: '2026-12-01', warehouse_id: 'w1', party_id: null, reference: '', note: 'x',
      lines: [{ id: 'l1', item_id: 'i1', quantity: '3.000', unit_cost: null, serials: [], role: 'main' }, { id: 'l2', item_id: 'c', role: 'component' }] }
    const v = draftFromDocument(RECEIPT, doc)
    expect(v).toMatchObject({ kind: 'purchase', warehouse_id: 'w1', party_id: null, note: 'x' })
    expect(v.lines).toEqual([{ item_id: 'i1', quantity: '3.000', unit_cost: null, serials: [] }])
  })

  test('totals add decimals exactly', () => {
    const lines = [{ quantity: '0.1' }, { quantity: '0.2' }, { quantity: '' }, { quantity: '-1.5' }, { quantity: '2' }]
    expect(lineTotals(RECEIPT, 'purchase', lines).map((x) => [x.field.name, x.value])).toEqual([['quantity', '0.8']])
    expect(lineTotals(STOCKTAKE, 'stocktake', [{ counted_quantity: '8', quantity: '-2.000' }, { counted_quantity: '3', quantity: '1' }])
      .map((x) => x.value)).toEqual(['11', '-1'])
  })

  test('serials typed or scanned one after another', () => {
    expect(splitList(' 8612345 , 8612346；8612347\n\n')).toEqual(['8612345', '8612346', '8612347'])
  })
})

describe('lists and lookups', () => {
  test('the query names the export’s parameters', () => {
    expect(listQuery(RECEIPT, { page: 2, pageSize: 50, search: ' RK-1 ', filters: { status: 'posted', since: '', warehouse_id: null }, sort: 'doc_date', descending: false }))
      .toEqual({ page: 2, page_size: 50, number: 'RK-1', status: 'posted', sort: 'doc_date' })
    expect(listQuery(RECEIPT, { sort: 'doc_date' }).sort).toBe('-doc_date')
    expect(listQuery({ ...RECEIPT, list: { ...RECEIPT.list, sort: null } }, { sort: 'doc_date' }).sort).toBe(undefined)
  })

  test('a lookup searches its path, follows the document’s organisation, offers what `only` allows', () => {
    expect(lookupQuery(WAREHOUSES, ' 良品 ', { org_id: 'o2' })).toEqual({ page_size: 50, q: '良品', org_id: 'o2' })
    expect(lookupQuery(PARTIES, '', { org_id: 'o2' })).toEqual({ page_size: 50 })
    const suppliers = { ...PARTIES, only: { roles: ['supplier'] } }
    expect(lookupAllows(suppliers, { roles: ['dealer', 'supplier'], active: true })).toBe(true)
    expect(lookupAllows(suppliers, { roles: ['dealer'] })).toBe(false)
    expect(lookupAllows({ ...WAREHOUSES, only: { kind: ['good'] } }, { kind: 'defective' })).toBe(false)
    expect(lookupAllows(WAREHOUSES, { kind: 'good', active: false })).toBe(false)
    expect(displayRecord(WAREHOUSES, { name: 'SZ01 良品仓', code: 'GOOD' })).toBe('SZ01 良品仓 (GOOD)')
    expect(displayRecord({ display: ['code'] }, { code: 'BOM-1' })).toBe('BOM-1')
  })

  test('cells: choices, references, dates, quantities and money', () => {
    const fmt = { date: (v) => `D${v}`, dateTime: (v) => v, quantity: (v) => `Q${Number(v)}`, money: (v) => `¥${v}`, ref: (l, id) => `${l.kind}:${id}`, yes: '是', no: '否' }
    const [status] = RECEIPT.list.filters
    expect(formatCell(status, 'posted', 'en', fmt)).toBe('Posted')
    expect(formatCell(RECEIPT.fields[2], 'w1', 'zh-CN', fmt)).toBe('warehouses:w1')
    expect(formatCell(RECEIPT.lines.fields[1], '3.000', 'zh-CN', fmt)).toBe('Q3')
    expect(formatCell(RECEIPT.lines.fields[2], '400.5000', 'zh-CN', fmt)).toBe('¥400.5000')
    expect(formatCell(RECEIPT.fields[1], '2026-12-07', 'zh-CN', fmt)).toBe('D2026-12-07')
    expect(formatCell(RECEIPT.lines.fields[3], ['A', 'B'], 'zh-CN', fmt)).toBe('A、B')
    expect(formatCell(RECEIPT.fields[4], '', 'zh-CN', fmt)).toBe('—')
  })
})

describe('menu and routes', () => {
  test('one entry per document type, in the warehouse section', () => {
    const entries = workspaceMenu(META)
    expect(entries.map((e) => e.key)).toEqual(['ws-goods_receipt', 'ws-stock_adjustment'])
    expect(entries[0].to).toEqual({ name: 'workspace-list', params: { type: 'goods_receipt' } })
    const sections = menuSections({ permissions: [] }, entries)
    expect(sections.map((s) => s.section)).toEqual(['workbench', 'warehouse'])
    expect(workspaceMenu(null)).toEqual([])
  })

  test('an entry goes to the section the export places it in (its own, else its family\'s)', () => {
    const meta = {
      documents: [
        { key: 'repair_refund', family: 'repair', label: L('退款单', 'Refund slips'), menu: { section: 'counter' } },
        { key: 'users', family: 'admin', label: L('用户', 'Users'), menu: false, section: 'system' },
        { key: 'old', family: 'stock', label: L('旧', 'Old') },
      ],
      kinds: [],
    }
    const entries = workspaceMenu(meta)
    expect(entries.map((e) => [e.type, e.section])).toEqual([['repair_refund', 'counter'], ['old', 'warehouse']])
    expect(menuSections({ permissions: [] }, entries).map((s) => s.section)).toEqual(['workbench', 'counter', 'warehouse'])
  })

  test('index, list, new, document and edit routes', () => {
    expect(routes.map((r) => r.path)).toEqual(['workspace', 'workspace/:type', 'workspace/:type/new', 'workspace/:type/:id', 'workspace/:type/:id/edit'])
  })
})

describe('refusals in the person’s language', () => {
  test('fields named by their labels, lines by number, the server\'s words as given', () => {
    // The server words its messages in the reader's language (Accept-Language): shown as they come.
    const err = new ApiError({ status: 422, code: 'validation_error', errors: { party_id: ['必填'], 'lines.1.quantity': ['须大于 0'], other: ['未知字段'] } })
    const d = describeDocumentError(err, RECEIPT, 'purchase', { t, locale: 'zh-CN', shown: ['party_id'] })
    expect(d.fields.party_id).toBe('必填')
    expect(d.atFields).toBe(false)
    const atFields = describeDocumentError(new ApiError({ status: 422, code: 'validation_error', errors: { reason: ['必填'] } }),
      RECEIPT, 'purchase', { t, locale: 'zh-CN', shown: ['reason'] })
    expect([atFields.atFields, atFields.fields.reason]).toEqual([true, '必填'])
    expect(d.message).toBe('请检查填写的内容。 第 2 行 · 数量：须大于 0；other：未知字段')
    expect(fieldLabel(RECEIPT, 'purchase', 'reason', { t, locale: 'en' })).toBe('Reason')
  })

  test('a shortfall with its figures; a refused transition; any message as sent', () => {
    const short = new ApiError({ status: 409, code: 'negative_stock', message: 'not enough', errors: { 'lines.0.quantity': ['SZ01 良品仓 缺少 2'] },
      extra: { item: 'SCR 屏幕', location: 'SZ01 良品仓', on_hand: '1', needed: '3', missing: '2' } })
    const d = describeDocumentError(short, RECEIPT, 'purchase', { t, locale: 'zh-CN' })
    expect(d.message).toBe('库存不足：SCR 屏幕 在 SZ01 良品仓 现有 1，需要 3，缺 2。')
    expect(d.fields['lines.0.quantity']).toBe('SZ01 良品仓 缺少 2')
    expect(describeDocumentError(new ApiError({ status: 409, code: 'transition_refused' }), RECEIPT, '', { t, locale: 'zh-CN' }).message).toMatch(/状态不允许/)
    const odd = new ApiError({ status: 422, code: 'validation_error', errors: { warehouse_id: ['something new'] } })
    expect(describeDocumentError(odd, RECEIPT, 'purchase', { t, locale: 'zh-CN' }).message).toMatch(/仓库：something new/)
  })
})

describe('base data, the shortage register and serials through the same screens', () => {
  const kind = {
    key: 'warehouses', family: 'basedata', label: { 'zh-CN': '仓库', en: 'Warehouses' }, path: '/api/warehouses', display: ['name', 'code'], states: [], kinds: [],
    fields: [
      { name: 'org_id', type: 'ref', required: true, lookup: { kind: 'organisations', path: '/api/organisations' } },
      { name: 'code', type: 'str', required: true },
      { name: 'grade', type: 'int', required: false },
      { name: 'roles', type: 'enums', choices: [{ value: 'a', label: 'A' }] },
    ],
    lines: null,
    list: { search: 'q', filters: [], columns: [], sort: null },
    actions: [
      { name: 'create', path: '/api/warehouses', states: [] },
      { name: 'edit', path: '/api/warehouses/{id}', states: [] },
      { name: 'delete', path: '/api/warehouses/{id}', states: [] },
      { name: 'import', path: '/api/warehouses/import', states: [], columns: [{ name: 'org_code', field: 'org_id' }, { name: 'code', field: 'code' }] },
    ],
  }

  test('a record without states is offered every action on a record, none on the collection', () => {
    expect(allowedActions(kind, { id: 'x' }).map((a) => a.name)).toEqual(['edit', 'delete'])
    expect(importColumns(kind).map((c) => c.name)).toEqual(['org_code', 'code'])
  })

  test('a record is named by its number, else by what the export says names it', () => {
    expect(docTitle(kind, { name: '良品仓', code: 'GOOD' })).toBe('良品仓 (GOOD)')
    expect(docTitle(kind, { number: 'RK-1', name: 'x' })).toBe('RK-1')
    expect(docTitle({ display: [] }, { id: 'x' })).toBe('')
  })

  test('whole numbers travel as numbers; an edit leaves the organisation out; several choices are a list', () => {
    const values = { ...blankDraft(kind), org_id: 'o1', code: ' W1 ', grade: '3' }
    expect(blankDraft(kind).roles).toEqual([])
    expect(draftBody(kind, values)).toMatchObject({ org_id: 'o1', code: 'W1', grade: 3, roles: [] })
    expect(draftBody(kind, values, { editing: true })).not.toHaveProperty('org_id')
    expect(draftBody(kind, { ...values, grade: '3.5' }).grade).toBe('3.5') // the server names it
  })

  test('serials: needed for a serial-tracked item only, counted against the kind\'s count field', () => {
    const f = { name: 'serials', serial: { attr: 'serialized', count: { opening: 'quantity', stocktake: 'counted_quantity' } } }
    const device = { serialized: true }
    expect(serialState(f, 'opening', { quantity: '2', serials: ['a', 'b'] }, device)).toMatchObject({ needed: true, expected: 2, given: 2, ok: true })
    expect(serialState(f, 'opening', { quantity: '2', serials: ['a', 'a'] }, device).ok).toBe(false)
    expect(serialState(f, 'stocktake', { quantity: '9', counted_quantity: '1', serials: ['a'] }, device)).toMatchObject({ expected: 1, ok: true })
    expect(serialState(f, 'opening', { quantity: '1', serials: ['a'] }, { serialized: false })).toMatchObject({ needed: false, ok: false })
    expect(serialState(f, 'opening', { quantity: '1', serials: [] }, { serialized: false }).ok).toBe(true)
  })

  test('menu entries follow the section an entry names; a lookup is made from a kind\'s entry', () => {
    const meta = { documents: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B', menu: { section: 'backOffice', point_db: false } }, { key: 'c', label: 'C', menu: false }], kinds: [kind] }
    expect(workspaceMenu(meta).map((e) => [e.key, e.section, e.pointDb])).toEqual([['ws-a', 'warehouse', null], ['ws-b', 'backOffice', false]])
    expect(kindLookup(meta, 'warehouses')).toEqual({ kind: 'warehouses', path: '/api/warehouses', search: 'q', display: ['name', 'code'] })
    expect(kindLookup(meta, 'nope')).toBeNull()
    expect(siblings(meta, kind).map((e) => e.key)).toEqual(['warehouses'])
  })
})

describe('links, lookups and the list from a link', () => {
  const REFUNDS = {
    key: 'repair_refund',
    list: {
      search: 'q',
      filters: [
        { name: 'approval', type: 'enum', choices: [{ value: 'pending', label: L('待审批', 'Awaiting approval') }] },
        { name: 'after_settlement', type: 'bool' },
        { name: 'since', type: 'date' },
      ],
      sort: { param: 'sort', options: [{ value: 'number', label: L('单号', 'Number') }] },
    },
  }

  test('a link sets the filters, search and sort the list declares, and nothing else', () => {
    expect(listStateFromQuery(REFUNDS, { approval: 'pending', after_settlement: 'false', since: '2026-11-01', q: 'TK', sort: 'number', other: 'x' }))
      .toEqual({ filters: { approval: 'pending', after_settlement: false, since: '2026-11-01' }, search: 'TK', sort: 'number', descending: false })
    // A choice that is none of the field's, a yes/no that is neither, a sort key not offered: ignored.
    expect(listStateFromQuery(REFUNDS, { approval: 'maybe', after_settlement: '1', sort: '-amount' }))
      .toEqual({ filters: {}, search: '', sort: null, descending: true })
    expect(listStateFromQuery(REFUNDS, { sort: '-number', approval: ['pending', 'x'] }).sort).toBe('number')
    expect(listStateFromQuery(REFUNDS, {}).filters).toEqual({})
    // …and the list asks the server for exactly that.
    const state = listStateFromQuery(REFUNDS, { approval: 'pending' })
    expect(listQuery(REFUNDS, { ...state })).toEqual({ page: 1, page_size: 20, approval: 'pending' })
  })

  test('a field links through its route template, the point database\'s page where it has one', () => {
    const order = { name: 'order_number', link: { to: '/hq/orders/{order_id}', point_db: '/repair/orders/{order_id}' } }
    const row = { order_number: 'WX-SZ01-2611-00001', order_id: 'a/b' }
    expect(fieldLink(order, row)).toBe('/hq/orders/a%2Fb')
    expect(fieldLink(order, row, { pointDb: true })).toBe('/repair/orders/a%2Fb')
    expect(fieldLink({ name: 'device_count', link: '/frontdesk/batches/{id}' }, { id: 'B1' })).toBe('/frontdesk/batches/B1')
    // A name it needs is blank, or the field has no link: no link.
    expect(fieldLink(order, { order_number: 'x', order_id: null })).toBeNull()
    expect(fieldLink({ name: 'amount' }, row)).toBeNull()
  })

  test("a read answer's record: the answer itself, or the member the entry names", () => {
    const answer = { order: { id: 'o1', number: 'HJ-1' }, steps: [] }
    expect(recordOf({ key: 'exchange-orders', record: 'order' }, answer)).toEqual({ id: 'o1', number: 'HJ-1' })
    expect(recordOf({ key: 'goods_receipt' }, answer)).toBe(answer)
    expect(recordOf({ key: 'x', record: 'order' }, null)).toBeNull()
  })

  test('each value of a serial list opens its own page (the IMEI timeline)', () => {
    const serials = { name: 'serials', type: 'list', link_each: '/imei/{value}' }
    expect(eachLinks(serials, ['861007926969620', '', 'A/B'])).toEqual([
      { text: '861007926969620', to: '/imei/861007926969620' },
      { text: 'A/B', to: '/imei/A%2FB' },
    ])
    expect(eachLinks({ name: 'serials', type: 'list' }, ['861007926969620'])).toBeNull()
    expect(eachLinks(serials, null)).toBeNull()
  })

  test('one record is named in the singular ("New brand"), an abbreviation kept', () => {
    const brands = { label: L('品牌', 'Brands'), one: L('品牌', 'Brand') }
    expect(oneLabel(brands, 'en', { inSentence: true })).toBe('brand')
    expect(oneLabel(brands, 'en')).toBe('Brand')
    expect(oneLabel(brands, 'zh-CN', { inSentence: true })).toBe('品牌')
    expect(oneLabel({ label: L('TAC 号段', 'TAC table'), one: L('TAC 号段', 'TAC range') }, 'en', { inSentence: true })).toBe('TAC range')
    expect(oneLabel({ label: L('入库单', 'Goods receipt') }, 'en', { inSentence: true })).toBe('goods receipt')
    expect(t('workspace.list.new', { type: oneLabel(brands, 'zh-CN', { inSentence: true }) })).toBe('新建品牌')
  })

  test('a stocktake line reads its book quantity before the first save, once warehouse and item are chosen', () => {
    const book = { name: 'book_quantity', filled: true, preview: { path: '/api/stock/current', header: { warehouse_id: 'warehouse_id' }, line: { item_id: 'item_id' }, value: 'totals.quantity' } }
    expect(previewQuery(book, { warehouse_id: 'W' }, { item_id: 'I' })).toEqual({ warehouse_id: 'W', item_id: 'I' })
    expect(previewQuery(book, { warehouse_id: null }, { item_id: 'I' })).toBeNull()
    expect(previewQuery(book, { warehouse_id: 'W' }, { item_id: '' })).toBeNull()
    expect(previewQuery({ name: 'quantity' }, {}, {})).toBeNull()
    expect(previewValue(book, { items: [], totals: { quantity: '7.000' } })).toBe('7.000')
    expect(previewValue(book, {})).toBeNull()
  })

  test('a whole-list lookup (the counter\'s accounts) is searched on the device', () => {
    const accounts = { kind: 'money-accounts', path: '/api/repair/counter-accounts', search: null, display: ['name', 'code'], whole: true }
    const records = recordsOf([{ id: 1, name: '前台现金', code: 'CASH' }, { id: 2, name: '招商银行', code: 'CMB' }, { id: 3, name: '旧', code: 'OLD', active: false }])
    expect(filterWhole(accounts, records, '').map((r) => r.id)).toEqual([1, 2])
    expect(filterWhole(accounts, records, 'cmb').map((r) => r.id)).toEqual([2])
    expect(filterWhole(accounts, records, '现金').map((r) => r.id)).toEqual([1])
    expect(recordsOf({ items: [{ id: 9 }] })).toEqual([{ id: 9 }])
  })
})
