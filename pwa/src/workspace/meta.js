// The document workspace's pure logic over the server's export (GET /api/meta/documents, shape in
// docs/workspace.md). Everything a screen shows — fields, labels, lookups, columns, filters, the
// actions offered — comes from that export; nothing here names a document type or a field.

/** A {zh-CN, en} label in the language shown. */
export function pick(label, locale) {
  if (!label) return ''
  if (typeof label === 'string') return label
  return label[locale] ?? label['zh-CN'] ?? label.en ?? ''
}

/** The entry of a document type or base-data kind by key (null when the user may not see it). */
export function entryByKey(meta, key) {
  if (!meta) return null
  return meta.documents.find((e) => e.key === key) || meta.kinds.find((e) => e.key === key) || null
}

const applies = (f, kind) => !f.kinds?.length || f.kinds.includes(kind)

/** The fields that apply to a sub-kind: the first declaration of each name that names it (or all kinds). */
export function fieldsFor(fields, kind) {
  const seen = new Set()
  const out = []
  for (const f of fields || []) {
    if (!applies(f, kind) || seen.has(f.name)) continue
    seen.add(f.name)
    out.push(f)
  }
  return out
}

export const headerFields = (entry, kind) => fieldsFor(entry.fields, kind)
/** Line fields for a kind; `entered` leaves out what posting writes (a stocktake's difference). */
export function lineFields(entry, kind, { entered = false } = {}) {
  return fieldsFor(entry.lines?.fields, kind).filter((f) => !(entered && f.filled))
}

export const defaultKind = (entry) => entry.fields.find((f) => f.name === 'kind')?.default ?? (entry.kinds[0]?.value || '')

/** The actions of the entry by name (create, edit, delete, post, reverse, audit, unaudit). */
export function actionMap(entry) {
  return Object.fromEntries((entry?.actions || []).map((a) => [a.name, a]))
}

/**
 * What this user may do to this document now: the user's actions (the export, by permission) whose
 * states hold the document's status and that the server lists on the document (a reversal is
 * never reversed). Ordered as the export lists them.
 */
export function allowedActions(entry, doc) {
  if (!entry || !doc) return []
  const onDoc = new Set(doc.actions || [])
  return entry.actions.filter((a) => a.name !== 'create' && a.states.includes(doc.status) && onDoc.has(a.name))
}

export function actionPath(action, id) {
  return action.path.replace('{id}', encodeURIComponent(id))
}

export function readPath(entry, id) {
  return entry.read.replace('{id}', encodeURIComponent(id))
}

function emptyValue(f) {
  if (f.type === 'list' || f.type === 'refs') return []
  if (f.type === 'bool') return f.default ?? false
  if (f.type === 'ref' || f.type === 'uuid' || f.type === 'decimal' || f.type === 'int' || f.type === 'date') return f.default ?? null
  return f.default ?? ''
}

export function blankLine(entry, kind) {
  const out = {}
  for (const f of lineFields(entry, kind, { entered: true })) out[f.name] = emptyValue(f)
  return out
}

/** A new draft's form values: the default kind, today, empty fields, one empty line. */
export function blankDraft(entry, { today } = {}) {
  const kind = defaultKind(entry)
  const out = {}
  for (const f of entry.fields) if (!(f.name in out)) out[f.name] = emptyValue(f)
  if (entry.kinds.length) out.kind = kind
  if ('doc_date' in out) out.doc_date = today || null
  out.lines = entry.lines ? [blankLine(entry, kind)] : []
  return out
}

/** A stored draft's form values. */
export function draftFromDocument(entry, doc) {
  const out = blankDraft(entry)
  for (const f of entry.fields) if (doc[f.name] !== undefined) out[f.name] = doc[f.name] ?? emptyValue(f)
  const kind = doc.kind ?? out.kind
  out.lines = (doc.lines || []).filter((l) => !l.role || l.role === 'main').map((l) => {
    const line = blankLine(entry, kind)
    for (const name of Object.keys(line)) if (l[name] !== undefined && l[name] !== null) line[name] = l[name]
    return line
  })
  if (!out.lines.length && entry.lines) out.lines = [blankLine(entry, kind)]
  return out
}

const blank = (v) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '')

function bodyValue(f, v) {
  if (f.type === 'decimal' || f.type === 'int') return blank(v) ? null : String(v).trim()
  if (f.type === 'list') return Array.isArray(v) ? v.map((s) => String(s).trim()).filter(Boolean) : splitList(v)
  if (typeof v === 'string') return v.trim()
  return v
}

/** "a, b  c" → ['a', 'b', 'c'] (serials typed or scanned one after another). */
export function splitList(text) {
  return String(text || '').split(/[\s,，;；]+/).map((s) => s.trim()).filter(Boolean)
}

/**
 * The API body of a draft from form values: the fields that apply to the chosen kind (a reference
 * that no longer applies is cleared), lines with an item only, with what is entered on them.
 */
export function draftBody(entry, values) {
  const kind = values.kind ?? defaultKind(entry)
  const body = {}
  const used = new Set(headerFields(entry, kind).map((f) => f.name))
  for (const f of entry.fields) {
    if (body[f.name] !== undefined) continue
    if (!used.has(f.name)) {
      if (f.type === 'ref') body[f.name] = null
      continue
    }
    const v = bodyValue(f, values[f.name])
    if (v === null && (f.type === 'date' || f.name === 'org_id')) continue
    body[f.name] = v
  }
  if (entry.lines) {
    const fields = lineFields(entry, kind, { entered: true })
    body.lines = (values.lines || []).filter((l) => !blank(l[entry.lines.item])).map((l) => {
      const line = {}
      for (const f of fields) {
        const v = bodyValue(f, l[f.name])
        if (v === null) continue
        line[f.name] = v
      }
      return line
    })
  }
  return body
}

// Decimals are summed in thousandths: 0.1 + 0.2 is 0.3 here.
const SCALE = 1000n
function toMilli(v) {
  const m = /^(-?)(\d*)(?:\.(\d{0,3})\d*)?$/.exec(String(v ?? '').trim())
  if (!m || (m[2] === '' && !m[3])) return 0n
  const n = BigInt(m[2] || '0') * SCALE + BigInt((m[3] || '').padEnd(3, '0') || '0')
  return m[1] ? -n : n
}
function fromMilli(n) {
  const neg = n < 0n
  const a = neg ? -n : n
  const frac = String(a % SCALE).padStart(3, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${a / SCALE}${frac ? `.${frac}` : ''}`
}

/** Sums of the line fields the export marks `total` that apply to the kind: [{field, value}]. */
export function lineTotals(entry, kind, lines) {
  return lineFields(entry, kind)
    .filter((f) => f.total)
    .map((f) => ({ field: f, value: fromMilli((lines || []).reduce((s, l) => s + toMilli(l[f.name]), 0n)) }))
}

/** The list's query: paging, search, filters that are set, sort (`-` first for descending). */
export function listQuery(entry, { page = 1, pageSize = 20, search = '', filters = {}, sort = null, descending = true } = {}) {
  const q = { page, page_size: pageSize }
  if (entry.list.search && !blank(search)) q[entry.list.search] = search.trim()
  for (const f of entry.list.filters) {
    const v = filters[f.name]
    if (!blank(v)) q[f.name] = v
  }
  if (entry.list.sort && sort) q[entry.list.sort.param] = `${descending ? '-' : ''}${sort}`
  return q
}

/** A lookup's search query; a reference scoped to the document's organisation follows the form's. */
export function lookupQuery(lookup, text, values = {}) {
  const q = { page_size: 50 }
  if (lookup.search && !blank(text)) q[lookup.search] = text.trim()
  if (lookup.scope && values[lookup.scope]) q[lookup.scope] = values[lookup.scope]
  return q
}

/** Whether a found record may be chosen: active, and of the sort `only` allows (a good warehouse, a supplier). */
export function lookupAllows(lookup, record) {
  if (!record || record.active === false) return false
  for (const [attr, allowed] of Object.entries(lookup.only || {})) {
    const v = record[attr]
    const values = Array.isArray(v) ? v : [v]
    if (!values.some((x) => allowed.includes(x))) return false
  }
  return true
}

/** How a record shows in a lookup and a cell: "name (code)", or what the lookup displays. */
export function displayRecord(lookup, record) {
  if (!record) return ''
  const [main, extra] = (lookup?.display || ['name', 'code']).map((k) => record[k]).filter((v) => !blank(v) && v !== undefined)
  return extra && extra !== main ? `${main} (${extra})` : String(main ?? '')
}

/** Quantities carry three places (or say so in their name); other decimals are money. */
export const isQuantity = (field) => field.places === 3 || /quantity$/.test(field.name)

export function choiceLabel(field, value, locale) {
  const c = (field.choices || []).find((x) => x.value === value)
  return c ? pick(c.label, locale) : String(value ?? '')
}

/**
 * A value as a cell shows it. `fmt` gives the formatters: {date, dateTime, quantity, money, ref(lookup, id), yes, no}.
 */
export function formatCell(field, value, locale, fmt) {
  if (value === null || value === undefined || value === '') return '—'
  if (Array.isArray(value)) return value.length ? value.map((v) => (field.lookup ? fmt.ref(field.lookup, v) : choiceLabel(field, v, locale))).join('、') : '—'
  if (field.choices) return choiceLabel(field, value, locale)
  if (field.lookup) return fmt.ref(field.lookup, value) || '…'
  switch (field.type) {
    case 'date':
      return fmt.date(value)
    case 'datetime':
      return fmt.dateTime(value)
    case 'decimal':
      return isQuantity(field) ? fmt.quantity(value) : fmt.money(value)
    case 'bool':
      return value ? fmt.yes : fmt.no
    default:
      return String(value)
  }
}

/** Drawer entries for the document types, in the export's order (it lists only what the user may see). */
export function workspaceMenu(meta) {
  return (meta?.documents || []).map((e) => ({
    key: `ws-${e.key}`,
    to: { name: 'workspace-list', params: { type: e.key } },
    label: e.label,
    section: 'warehouse',
    type: e.key,
  }))
}

/** "lines.2.quantity" → {line: 2, field: 'quantity'}; a header field → {line: null, field}. */
export function splitFieldPath(path) {
  const m = /^lines\.(\d+)\.(\w+)/.exec(path)
  return m ? { line: Number(m[1]), field: m[2] } : { line: null, field: path }
}
