// The document workspace's pure logic over the server's export (GET /api/meta/documents, shape in
// docs/workspace.md). Everything a screen shows — fields, labels, lookups, columns, filters, the
// actions offered — comes from that export; nothing here names a document type or a field.

/** A {zh-CN, en} label in the language shown. */
export function pick(label, locale) {
  if (!label) return ''
  if (typeof label === 'string') return label
  return label[locale] ?? label['zh-CN'] ?? label.en ?? ''
}

/**
 * What one record of the entry is called: its `one` label when the export gives it (the list's label
 * is plural: "Brands"), else its label. `inSentence`: lower-cased in English after a verb ("New
 * brand"), unless it starts with an abbreviation ("TAC range").
 */
export function oneLabel(entry, locale, { inSentence = false } = {}) {
  const text = pick(entry?.one || entry?.label, locale)
  if (!inSentence || locale !== 'en' || !/^[A-Z][a-z]/.test(text)) return text
  return text[0].toLowerCase() + text.slice(1)
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

/** The header's fields for a kind (a base-data record's line table is drawn as lines, not as a field). */
export const headerFields = (entry, kind) => fieldsFor(entry.fields, kind).filter((f) => f.type !== 'lines')
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
  // A record without states (base data): every action on a record applies to it.
  if (!entry.states.length) return entry.actions.filter((a) => isRecordAction(a))
  const onDoc = new Set(doc.actions || [])
  return entry.actions.filter((a) => isRecordAction(a) && a.states.includes(doc.status) && onDoc.has(a.name))
}

/** An action on one record (its path names it) rather than on the collection (create, import). */
export const isRecordAction = (action) => action.path.includes('{id}')

/** What names a document or record: its number, else the fields the export says name it. */
export function docTitle(entry, doc) {
  if (!doc) return ''
  if (doc.number) return doc.number
  const [main, extra] = (entry?.display || []).map((k) => doc[k]).filter((v) => !blank(v))
  return extra && extra !== main ? `${main} (${extra})` : String(main ?? '')
}

export function actionPath(action, id) {
  return action.path.replace('{id}', encodeURIComponent(id))
}

export function readPath(entry, id) {
  return entry.read.replace('{id}', encodeURIComponent(id))
}

/** The record in a read answer: the answer itself, or its member the entry names (`record`: an
 *  answer such as {order: {...}, steps, links} carries the document beside what explains it). */
export function recordOf(entry, answer) {
  return entry?.record && answer ? answer[entry.record] ?? null : answer
}

function emptyValue(f) {
  if (f.type === 'list' || f.type === 'refs' || f.type === 'enums') return []
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
  const filled = lineFields(entry, kind).filter((f) => f.filled)
  out.lines = (doc.lines || []).filter((l) => !l.role || l.role === 'main').map((l) => {
    const line = blankLine(entry, kind)
    for (const name of Object.keys(line)) if (l[name] !== undefined && l[name] !== null) line[name] = l[name]
    // What the server wrote (a stocktake's book quantity), shown beside what is entered, never sent.
    const shown = Object.fromEntries(filled.filter((f) => l[f.name] !== undefined && l[f.name] !== null).map((f) => [f.name, l[f.name]]))
    if (Object.keys(shown).length) line._shown = shown
    return line
  })
  if (!out.lines.length && entry.lines) out.lines = [blankLine(entry, kind)]
  return out
}

const blank = (v) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '')

function bodyValue(f, v) {
  if (f.type === 'decimal') return blank(v) ? null : String(v).trim()
  // A whole number travels as a number (the API takes integers strictly); anything else as typed, for the server to name.
  if (f.type === 'int') return blank(v) ? null : /^-?\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : String(v).trim()
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
 * that no longer applies is cleared), lines with an item only, with what is entered on them. An
 * edit leaves out the organisation: whose a record is is chosen when it is made.
 */
export function draftBody(entry, values, { editing = false } = {}) {
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
    if (editing && f.name === 'org_id') continue
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

/**
 * The list's filters, search and sort from a link's query (e.g. /workspace/repair_refund?approval=pending):
 * only what the entry's list declares, a yes/no filter as a boolean, a choice only if it is one.
 * {filters, search, sort, descending}.
 */
export function listStateFromQuery(entry, query = {}) {
  const one = (v) => (Array.isArray(v) ? v[0] : v)
  const filters = {}
  for (const f of entry?.list?.filters || []) {
    let v = one(query[f.name])
    if (blank(v)) continue
    if (f.type === 'bool') {
      if (v !== 'true' && v !== 'false') continue
      v = v === 'true'
    } else if (f.choices && !f.choices.some((c) => c.value === v)) continue
    filters[f.name] = v
  }
  const search = entry?.list?.search ? one(query[entry.list.search]) || '' : ''
  let sort = null
  let descending = true
  const s = entry?.list?.sort ? one(query[entry.list.sort.param]) : null
  if (s) {
    const key = s.replace(/^-/, '')
    if (entry.list.sort.options.some((o) => o.value === key)) {
      sort = key
      descending = s.startsWith('-')
    }
  }
  return { filters, search, sort, descending }
}

/**
 * Where a field's value leads: the export's `link`, a route template whose {names} are the record's
 * own fields ("/hq/orders/{order_id}"), or {to, point_db} — point_db the page for users with a point
 * database (the counter's order page). Null when a name it needs is blank.
 */
export function fieldLink(field, record, { pointDb = false } = {}) {
  const link = field?.link
  if (!link || !record) return null
  const template = typeof link === 'string' ? link : (pointDb && link.point_db) || link.to
  if (!template) return null
  let missing = false
  const path = template.replace(/\{(\w+)\}/g, (_m, k) => {
    if (blank(record[k])) missing = true
    return encodeURIComponent(record[k] ?? '')
  })
  return missing ? null : path
}

/** The values of a list field with their pages: the export's `link_each` template, {value} each one
 *  (a line's serials, each opening its IMEI timeline). Null when the field has no such link. */
export function eachLinks(field, values) {
  if (!field?.link_each || !Array.isArray(values)) return null
  return values.filter((v) => !blank(v)).map((v) => ({ text: String(v), to: field.link_each.replace('{value}', encodeURIComponent(v)) }))
}

/** A lookup whose path answers its whole list at once (`whole`: no paging, search or record path,
 *  e.g. the counter's money accounts): the records a search text matches, by what the lookup shows. */
export function filterWhole(lookup, records, text) {
  const q = String(text || '').trim().toLowerCase()
  const shown = (records || []).filter((r) => lookupAllows(lookup, r))
  if (!q) return shown
  return shown.filter((r) => (lookup.display || ['name', 'code']).some((k) => String(r[k] ?? '').toLowerCase().includes(q)))
}

/** The records of a list answer: a page's items, or a plain list. */
export const recordsOf = (answer) => (Array.isArray(answer) ? answer : answer?.items || [])

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
      // A rate (VAT 0.13) as a percentage; shown only, the value stays the exact fraction.
      if (field.format === 'rate') return `${Number((Number(value) * 100).toFixed(2))}%`
      return isQuantity(field) ? fmt.quantity(value) : fmt.money(value)
    case 'bool':
      return value ? fmt.yes : fmt.no
    default:
      return String(value)
  }
}

/**
 * Drawer entries for the document types, in the export's order (it lists only what the user may
 * see): in the section the export gives (`menu.section`: the entry's own, else its family's); `pointDb: false`
 * marks an entry for users without a point database (headquarters). Base-data kinds share one entry
 * (the back office's 基础资料) and switch between each other on the list.
 */
export function workspaceMenu(meta) {
  return (meta?.documents || []).filter((e) => e.menu !== false).map((e) => ({
    key: `ws-${e.key}`,
    to: { name: 'workspace-list', params: { type: e.key } },
    label: e.label,
    // The server places each entry (its own section, else its family's: server/meta/documents.py).
    section: e.menu?.section || e.section || 'warehouse',
    pointDb: e.menu?.point_db ?? null,
    type: e.key,
  }))
}

/** The entries of the same family as `entry` (the list's tabs between base-data kinds). */
export function siblings(meta, entry) {
  if (!meta || !entry) return []
  return [...meta.documents, ...meta.kinds].filter((e) => e.family === entry.family)
}

/** A lookup to a base-data kind, made from its entry in the export (a screen outside the workspace
 *  that filters by a warehouse or a brand uses the same lookup the forms use). */
export function kindLookup(meta, key) {
  const e = meta?.kinds?.find((k) => k.key === key)
  if (!e) return null
  return { kind: e.key, path: e.path, search: e.list.search, display: e.display?.length ? e.display : ['name', 'code'] }
}

/**
 * Serial entry on a line: whether the line's item takes serials (the item record's `attr`, e.g.
 * serialized) and how many — the line's count field for the kind (quantity, or a stocktake's counted
 * quantity), the rule posting applies. {needed, expected, given, ok}.
 */
export function serialState(field, kind, line, item) {
  const rule = field?.serial
  if (!rule) return { needed: true, expected: null, given: (line?.serials || []).length, ok: true }
  const needed = !!(item && item[rule.attr])
  const countField = rule.count?.[kind] || rule.count?.[''] || 'quantity'
  const raw = line?.[countField]
  const expected = blank(raw) || Number.isNaN(Number(raw)) ? null : Number(raw)
  const serials = line?.serials || []
  const given = serials.length
  const distinct = new Set(serials).size === given
  return { needed, expected, given, countField, ok: needed ? distinct && (expected === null || expected === given) : given === 0 }
}

/**
 * What a filled line field will hold, read before the first save where the export says (`preview`:
 * a stocktake's book quantity is current stock's total for the header's warehouse and the line's
 * item). The query for a line, or null while a value it needs is blank; and the value in an answer.
 */
export function previewQuery(field, values, line) {
  const p = field?.preview
  if (!p) return null
  const q = {}
  for (const [param, name] of Object.entries(p.header || {})) q[param] = values?.[name]
  for (const [param, name] of Object.entries(p.line || {})) q[param] = line?.[name]
  return Object.values(q).some(blank) ? null : q
}

export function previewValue(field, answer) {
  return String(field.preview.value).split('.').reduce((o, k) => (o == null ? o : o[k]), answer) ?? null
}

/** The import file's columns for a base-data kind (the export's import action), with their fields. */
export function importColumns(entry) {
  return entry?.actions?.find((a) => a.name === 'import')?.columns || []
}

/** "lines.2.quantity" → {line: 2, field: 'quantity'}; a header field → {line: null, field}. */
export function splitFieldPath(path) {
  const m = /^lines\.(\d+)\.(\w+)/.exec(path)
  return m ? { line: Number(m[1]), field: m[2] } : { line: null, field: path }
}
