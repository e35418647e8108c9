// Reports' drill-down: a group's shown value turned back into the engine's filter, the drill's spec,
// a document number's workspace entry, and a subtotal folding its group's rows.
import { describe, expect, test } from 'vitest'
import { drillSpec, entryForNumber, groupFilter, hiddenRows, periodDays, rowFilters } from '../src/pages/reports/drill.js'

const SOURCE = {
  key: 'repair_orders', date_field: 'doc_date',
  fields: [
    { key: 'number', type: 'text' }, { key: 'doc_date', type: 'date' }, { key: 'created_at', type: 'datetime' },
    { key: 'org', type: 'reference', lookup: 'organisation' },
    { key: 'state', type: 'choice', choices: [{ value: 'received', label: '已受理' }, { value: 'done', label: '已完成' }] },
    { key: 'qc_fail_count', type: 'number' },
  ],
}
const f = (k) => SOURCE.fields.find((x) => x.key === k)

describe('drill-down filters', () => {
  test('periods: a month, a year, a week from its Monday, a day', () => {
    expect(periodDays('2026-02', 'month')).toEqual(['2026-02-01', '2026-02-28'])
    expect(periodDays('2024-02', 'month')).toEqual(['2024-02-01', '2024-02-29'])
    expect(periodDays('2026', 'year')).toEqual(['2026-01-01', '2026-12-31'])
    expect(periodDays('2026-12-28', 'week')).toEqual(['2026-12-28', '2027-01-03'])
    expect(periodDays('2026-12-07', 'day')).toEqual(['2026-12-07', '2026-12-07'])
  })

  test('each type of group value becomes the filter the engine takes', async () => {
    expect(await groupFilter({ key: 'doc_date', by: 'month' }, f('doc_date'), '2026-12', null))
      .toEqual([{ field: 'doc_date', op: 'between', value: ['2026-12-01', '2026-12-31'] }])
    expect(await groupFilter({ key: 'created_at', by: 'day' }, f('created_at'), '2026-12-31', null)).toEqual([
      { field: 'created_at', op: 'ge', value: '2026-12-31T00:00:00' }, { field: 'created_at', op: 'lt', value: '2027-01-01T00:00:00' }])
    expect(await groupFilter({ key: 'state' }, f('state'), '已完成', null)).toEqual([{ field: 'state', op: 'eq', value: 'done' }])
    expect(await groupFilter({ key: 'org' }, f('org'), null, null)).toEqual([{ field: 'org', op: 'is_null', value: true }])
    const ids = { 'SZ01 网点': ['id-1'] }
    const resolve = async (_field, name) => ids[name] || []
    expect(await groupFilter({ key: 'org' }, f('org'), 'SZ01 网点', resolve)).toEqual([{ field: 'org', op: 'in', value: ['id-1'] }])
    // A name no lookup finds narrows by the name itself.
    expect(await groupFilter({ key: 'org' }, f('org'), 'GZ01 网点', resolve)).toEqual([{ field: 'org', op: 'contains', value: 'GZ01 网点' }])
  })

  test("a subtotal's filters are its own levels only", async () => {
    const columns = [{ key: 'org', role: 'group' }, { key: 'state', role: 'group' }, { key: 'count', role: 'measure' }]
    const resolve = async () => ['id-1']
    expect(await rowFilters(SOURCE, columns, ['SZ01 网点', null, 3], 1, resolve)).toEqual([{ field: 'org', op: 'in', value: ['id-1'] }])
    expect(await rowFilters(SOURCE, columns, ['SZ01 网点', '已受理', 2], 2, resolve)).toEqual([
      { field: 'org', op: 'in', value: ['id-1'] }, { field: 'state', op: 'eq', value: 'received' }])
  })

  test("the drill keeps the report's filters and dates, lists documents with their number", () => {
    const spec = { source: 'repair_orders', fields: [], filters: [{ field: 'qc_fail_count', op: 'gt', value: '0' }],
      groupings: [{ field: 'org' }, { field: 'doc_date', by: 'month' }], measures: [{ fn: 'count' }], sort: [],
      date_range: { field: 'doc_date', since: '2026-01-01' } }
    const d = drillSpec(SOURCE, spec, [{ field: 'state', op: 'eq', value: 'done' }])
    expect(d.fields).toEqual(['number', 'doc_date', 'org'])
    expect(d.groupings).toEqual([])
    expect(d.filters).toHaveLength(2)
    expect(d.date_range).toEqual(spec.date_range)
  })
})

test('a number opens the workspace type of its prefix', () => {
  const meta = { documents: [{ key: 'repair-orders', number_prefix: 'WX' }, { key: 'goods_receipt', number_prefix: 'RK' }] }
  expect(entryForNumber(meta, 'RK-SZ01-2612-00001').key).toBe('goods_receipt')
  expect(entryForNumber(meta, 'ZZ-1')).toBe(null)
})

test('a folded subtotal hides the rows of its group, not itself nor the other groups', () => {
  const rows = [
    { type: 'group', level: 2, cells: ['A', 'x', 1] }, { type: 'group', level: 2, cells: ['A', 'y', 1] },
    { type: 'subtotal', level: 1, cells: ['A', null, 2] },
    { type: 'group', level: 2, cells: ['B', 'x', 1] }, { type: 'subtotal', level: 1, cells: ['B', null, 1] },
    { type: 'total', level: 0, cells: [null, null, 3] },
  ]
  expect([...hiddenRows(rows, new Set([JSON.stringify(['A'])]))]).toEqual([0, 1])
})
