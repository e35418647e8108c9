// Drill-down: the documents behind a group or a figure. A report's row shows its groups' values as
// the reader sees them (a reference's name, a choice's word, a period's first day); a drill turns
// each back into a filter the engine takes and runs the same spec without groupings, with detail
// fields, so every row is one document (line). Pure functions, apart from resolving a reference's
// name to its ids through its lookup (resolveRef, given by the caller).

// The base-data kind (the workspace's lookups, GET /api/meta/documents) of a reference field, by
// the table /sources names. Organisations are served by their own list (the export's lookup).
export const LOOKUP_KINDS = {
  organisation: 'organisations', product_model: 'models', item: 'items', party: 'parties', engineer: 'engineers',
  warranty_status: 'warranty-statuses', repair_level: 'repair-levels', warehouse: 'warehouses', brand: 'brands',
}

const pad = (n) => String(n).padStart(2, '0')
const iso = (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
const addDays = (day, n) => {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return iso(d)
}

/** The first and last day of the period a grouping shows: "2026-12" (month), "2026" (year), a
 *  week's Monday or a day. */
export function periodDays(value, by) {
  const v = String(value)
  if (by === 'year') return [`${v}-01-01`, `${v}-12-31`]
  if (by === 'month') {
    const [y, m] = v.split('-').map(Number)
    return [`${v}-01`, iso(new Date(Date.UTC(y, m, 0)))]
  }
  if (by === 'week') return [v, addDays(v, 6)]
  return [v, v]
}

/** The filter that keeps one group's rows: `column` the report's column, `field` its declaration
 *  in /sources, `value` the shown value. A reference's name becomes its ids (`resolveRef`). */
export async function groupFilter(column, field, value, resolveRef) {
  const key = column.key
  if (value === null || value === undefined || value === '') return [{ field: key, op: 'is_null', value: true }]
  if (column.by || field.type === 'date' || field.type === 'datetime') {
    const [first, last] = periodDays(value, column.by || 'day')
    if (field.type === 'datetime') {
      // A datetime without a zone is the business's wall clock (the engine says so).
      return [{ field: key, op: 'ge', value: `${first}T00:00:00` }, { field: key, op: 'lt', value: `${addDays(last, 1)}T00:00:00` }]
    }
    return [{ field: key, op: 'between', value: [first, last] }]
  }
  if (field.choices) {
    const c = field.choices.find((x) => x.label === value || x.value === value)
    return [{ field: key, op: 'eq', value: c ? c.value : value }]
  }
  if (field.type === 'reference') {
    const ids = resolveRef ? await resolveRef(field, value) : []
    // A name no lookup finds (a kind the reader may not list) narrows by the name itself.
    return [ids.length ? { field: key, op: 'in', value: ids } : { field: key, op: 'contains', value: String(value) }]
  }
  return [{ field: key, op: 'eq', value }]
}

/** The filters of a row's groups: its first `level` group columns. */
export async function rowFilters(source, columns, cells, level, resolveRef) {
  const groups = columns.filter((c) => c.role === 'group').slice(0, level)
  const out = []
  for (const [i, c] of groups.entries()) {
    out.push(...(await groupFilter(c, fieldOf(source, c.key), cells[i], resolveRef)))
  }
  return out
}

export const fieldOf = (source, key) => source.fields.find((f) => f.key === key)

/** The field that names a document (its number), if the source has one. */
export function numberField(source) {
  return ['number', 'document_number'].map((k) => fieldOf(source, k)).find(Boolean) || null
}

/** The detail columns of a drill: the report's own, else the document's number and date, the
 *  groupings' fields and the measured fields. */
export function drillFields(source, spec) {
  if (spec.fields?.length) return spec.fields
  const keys = [numberField(source)?.key, source.date_field, ...spec.groupings.map((g) => g.field),
    ...spec.measures.map((m) => m.field)].filter(Boolean)
  return [...new Set(keys)].filter((k) => fieldOf(source, k)).slice(0, 12)
}

/** The spec listing the documents behind a group: the report's filters and dates plus the
 *  group's, its detail fields and measures (the total still adds up), no groupings. */
export function drillSpec(source, spec, extra) {
  return {
    source: spec.source,
    fields: drillFields(source, spec),
    filters: [...(spec.filters || []), ...extra],
    groupings: [],
    measures: spec.measures || [],
    sort: [],
    ...(spec.date_range ? { date_range: spec.date_range } : {}),
    limit: 500,
  }
}

/** The workspace entry of a document number ("WX-SZ01-2612-00001": the type whose prefix is WX). */
export function entryForNumber(meta, number) {
  const prefix = String(number || '').split('-')[0]
  if (!prefix) return null
  return (meta?.documents || []).find((e) => e.number_prefix === prefix) || null
}

/** Collapsing: the path of a row's groups; a collapsed subtotal hides the rows of its group. */
export function groupPath(row, level = row.level) {
  return JSON.stringify(row.cells.slice(0, level))
}

export function hiddenRows(rows, collapsed) {
  if (!collapsed.size) return new Set()
  const hidden = new Set()
  rows.forEach((r, i) => {
    if (r.type === 'total') return
    for (let l = 1; l <= r.level; l += 1) {
      if (r.type === 'subtotal' && l === r.level) break
      if (collapsed.has(groupPath(r, l))) {
        hidden.add(i)
        break
      }
    }
  })
  return hidden
}
