// The back office's pure logic: the kind catalogue, import reports as table rows, chart options.
import { describe, expect, test } from 'vitest'
import { KINDS, blankRecord, fieldOfColumn, importColumns, kindByName, kindKey, recordBody } from '../src/backoffice/kinds.js'
import { columnLabel, importErrorRows, importSummary, translateReason } from '../src/backoffice/importRows.js'
import { comebackChartOption, percent, pointChartOption, stateChartOption, turnaroundChartOption, weekLabel } from '../src/backoffice/charts.js'
import { formatMoney, formatQuantity } from '../src/format.js'
import { menu, routes } from '../src/router/backoffice.js'
import zhCN from '../src/i18n/zh-CN.js'

// A t() over the zh-CN messages, enough for the pure functions.
function t(key, params = {}) {
  const msg = key.split('.').reduce((o, k) => (o ? o[k] : undefined), zhCN)
  if (typeof msg !== 'string') return key
  return msg.replace(/\{(\w+)\}/g, (_, n) => String(params[n] ?? `{${n}}`))
}

describe('kind catalogue', () => {
  test('the kinds the back office manages, each with code, name and active', () => {
    expect(KINDS.map((k) => k.name)).toEqual(['items', 'models', 'brands', 'parties', 'fault-symptoms', 'repair-methods', 'warranty-statuses', 'warehouses'])
    for (const k of KINDS) {
      const names = k.fields.map((f) => f.name)
      expect(names.slice(0, 2), k.name).toEqual(['code', 'name'])
      expect(names, k.name).toContain('active')
      expect(t(`backoffice.kind.${kindKey(k.name)}`), k.name).not.toMatch(/^backoffice/)
      for (const f of k.fields) expect(t(`backoffice.field.${f.name}`), `${k.name}.${f.name}`).not.toMatch(/^backoffice/)
    }
  })

  test('import columns follow the server (references by code, org_code first for a point’s own kinds)', () => {
    expect(importColumns(kindByName('items'))).toEqual(['code', 'name', 'kind', 'brand_code', 'model_code', 'unit', 'barcode', 'serialized',
      'standard_cost', 'retail_price', 'wholesale_price', 'repair_price', 'active'])
    expect(importColumns(kindByName('warehouses'))).toEqual(['org_code', 'code', 'name', 'kind', 'active'])
    expect(importColumns(kindByName('fault-symptoms'))).toContain('model_codes')
    expect(fieldOfColumn(kindByName('items'), 'model_code').name).toBe('model_id')
    expect(fieldOfColumn(kindByName('items'), 'colour')).toBeNull()
  })

  test('a create sends every field; an edit only what changed', () => {
    const items = kindByName('items')
    const values = { ...blankRecord(items), code: ' SCR-1 ', name: '屏幕', kind: 'part', retail_price: 99 }
    const body = recordBody(items, values)
    expect(body).toMatchObject({ code: 'SCR-1', name: '屏幕', kind: 'part', unit: '个', serialized: false, retail_price: '99', active: true })
    expect(body.brand_id).toBeNull()
    const original = { ...body, id: 'x', retail_price: '99.00', brand_id: null }
    expect(recordBody(items, { ...original, retail_price: '99' }, original)).toEqual({})
    expect(recordBody(items, { ...original, name: '屏幕总成', repair_price: '120' }, original)).toEqual({ name: '屏幕总成', repair_price: '120' })
    const parties = kindByName('parties')
    const p = { ...blankRecord(parties), code: 'P', name: 'p', roles: ['dealer', 'supplier'] }
    expect(recordBody(parties, { ...p, roles: ['supplier', 'dealer'] }, p)).toEqual({})
  })
})

describe('import report', () => {
  const items = kindByName('items')
  const report = {
    kind: 'items', rows: 4, created: 1, updated: 0, unchanged: 0, dry_run: true,
    errors: [
      { row: 5, column: 'code', message: 'duplicate of row 2' },
      { row: 3, column: 'kind', message: 'must be one of device, mainboard, part, accessory' },
      { row: 3, column: 'model_code', message: 'no models with code NOPE' },
      { row: 3, column: 'standard_cost', message: 'must be a non-negative number' },
      { row: 6, column: 'weird', message: 'something new' },
    ],
  }

  test('every problem is a table row: file row, column and its field, the reason in the user’s language', () => {
    const rows = importErrorRows(report, items, t)
    expect(rows.map((r) => [r.row, r.column, r.field, r.reason])).toEqual([
      [3, 'kind', '类别', '须为以下之一：device, mainboard, part, accessory'],
      [3, 'model_code', '型号', '找不到编码为 NOPE 的记录'],
      [3, 'standard_cost', '标准成本', '不能为负数'],
      [5, 'code', '编码', '与第 2 行重复'],
      [6, 'weird', 'weird', 'something new'],
    ])
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length)
  })

  test('reasons the importer gives are translated', () => {
    expect(translateReason('required', t)).toBe('必填')
    expect(translateReason('must be between 0 and 120', t)).toBe('须在 0 到 120 之间')
    expect(translateReason('unknown column(s): colour; expected code, name', t)).toBe('未知的列：colour；应为：code, name')
    expect(translateReason('not your organisation', t)).toBe('不是本网点')
    expect(translateReason('longer than 40 characters', t)).toBe('超过 40 个字符')
    expect(columnLabel(kindByName('warehouses'), 'org_code', t)).toBe('所属网点')
  })

  test('the summary says whether the file can be imported', () => {
    expect(importSummary(report)).toEqual({ state: 'errors', badRows: 3, problems: 5, counts: { rows: 4, created: 1, updated: 0, unchanged: 0 } })
    expect(importSummary({ ...report, errors: [] }).state).toBe('ready')
    expect(importSummary({ ...report, errors: [], dry_run: false, created: 4 })).toMatchObject({ state: 'done', counts: { created: 4 } })
    expect(importErrorRows(null, items, t)).toEqual([])
    expect(importSummary(null).state).toBe('none')
  })
})

describe('dashboard charts', () => {
  const ctx = { t, locale: 'zh-CN' }
  const byState = [
    { state: 'pending_acceptance', label: { 'zh-CN': '待受理', en: 'Pending acceptance' }, count: 1 },
    { state: 'pending_repair', label: { 'zh-CN': '待维修', en: 'Pending repair' }, count: 2 },
    { state: 'completed', label: { 'zh-CN': '已完成', en: 'Completed' }, count: 3 },
  ]
  const weeks = [
    { week: '2026-03-02', intake: 2, completed: 2, median_days: 3.5, comebacks: 0 },
    { week: '2026-03-09', intake: 3, completed: 0, median_days: null, comebacks: 1 },
  ]

  test('orders by state: one bar per state, first state on top, labels in the user’s language', () => {
    const o = stateChartOption(byState, ctx)
    expect(o.yAxis.data).toEqual(['已完成', '待维修', '待受理'])
    expect(o.series[0].data.map((d) => d.value)).toEqual([3, 2, 1])
    expect(o.series[0].data[0].itemStyle.color).toBe('#2e8b6e')
    expect(stateChartOption(byState, { t, locale: 'en' }).yAxis.data[2]).toBe('Pending acceptance')
    expect(o.textStyle.fontFamily).toMatch(/Noto Sans SC/)
  })

  test('turnaround per week: intake and completed bars, the median on a second axis', () => {
    const o = turnaroundChartOption(weeks, ctx)
    expect(o.xAxis.data).toEqual(['3/2', '3/9'])
    expect(o.series.map((s) => [s.type, s.name])).toEqual([['bar', '受理工单'], ['bar', '已完成'], ['line', '维修周期中位数']])
    expect(o.series[2]).toMatchObject({ yAxisIndex: 1, data: [3.5, null] })
    expect(o.legend.data).toHaveLength(3)
    expect(turnaroundChartOption(weeks, { t, locale: 'en' }).xAxis.data).toEqual(['Mar 2', 'Mar 9'])
  })

  test('per point and comebacks', () => {
    const o = pointChartOption([{ code: 'GZ01', name: '广州', completed: 0, median_days: null }, { code: 'SZ01', name: '深圳', completed: 3, median_days: 2 }], ctx)
    expect(o.yAxis.data).toEqual(['深圳'])
    expect(o.series[0].data).toEqual([2])
    expect(comebackChartOption(weeks, ctx).series[0].data).toEqual([0, 1])
    expect(turnaroundChartOption(undefined, ctx).series[0].data).toEqual([])
    expect(percent(0.3333)).toBe('33.3%')
    expect(percent(0)).toBe('0.0%')
    expect(weekLabel('2026-12-28', 'zh-CN')).toBe('12/28')
  })
})

describe('numbers, routes and menu', () => {
  test('quantities and money', () => {
    expect(formatQuantity('12.000', 'zh-CN')).toBe('12')
    expect(formatQuantity('1.500', 'en')).toBe('1.5')
    expect(formatMoney('1234.5', 'zh-CN')).toBe('¥1,234.50')
    expect(formatMoney(null, 'zh-CN')).toBe('—')
  })

  test('every route names its permission and title; every menu entry has its route', () => {
    for (const r of routes) expect(r.meta.permission && r.meta.titleKey, r.name).toBeTruthy()
    for (const m of menu) {
      expect(routes.some((r) => r.name === m.route), m.key).toBe(true)
      expect(m.section).toBe('backOffice')
      expect(routes.find((r) => r.name === m.route).meta.permission).toBe(m.permission)
    }
  })
})
