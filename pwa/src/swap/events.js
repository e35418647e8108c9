// The accessory swap at the counter (issue 17 §6–§7), offline first: the events a counter writes to
// take a distributor's accessories in (附件受理, swap_intake) and hand them back (归还客户,
// swap_return) (sync/schemas/swap_*.json), the checks made before saving them (the server's rule
// and limits, exported from server/swap/rules.py into src/generated/swap-rules.json), the rule's
// verdict where the sale date is known, and what the tablet knows of its intakes and returns (saved
// here, posted with numbers, refused with reasons), merged with the server's swap history. Pure.
import generated from '../generated/swap-rules.json'
import { envelope } from '../repair/events.js'
import { isoDate } from '../repair/rules.js'
import { uuidv7 } from '../sync/ids.js'

export const SWAP = generated
const LIM = generated.limits
const STATUS = 'status:'

const text = (v) => (typeof v === 'string' ? v.trim() : '')
const put = (doc, key, value) => {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return
  doc[key] = value
}
const whole = (v) => /^\d+$/.test(String(v ?? '').trim())

// -- the accessory rule (server/swap/rules.py; checked against its own answers in the tests) ------

/** The class an item code tells (…-CHARGER, …-BAT), as the server guesses it when the counter does not say. */
export function guessClass(code) {
  return SWAP.code_hints[String(code || '').split('-').at(-1).toUpperCase()] || 'other'
}

/** The last day of the warranty (YYYY-MM-DD), null when the class has none. */
export function warrantyUntil(saleDate, cls) {
  const months = SWAP.classes[cls]?.months || 0
  if (!months || !saleDate) return null
  const [y, m, d] = saleDate.split('-').map(Number)
  const total = m - 1 + months
  const year = y + Math.floor(total / 12)
  const month = (total % 12) + 1
  const day = Math.min(d, new Date(Date.UTC(year, month, 0)).getUTCDate())
  const last = new Date(Date.UTC(year, month - 1, day) - 86400000)
  return last.toISOString().slice(0, 10)
}

/** 'replace' | 'refund' | 'out_of_warranty'; `failed`: the unit's failed replacements (the server counts them by serial). */
export function verdictOf(saleDate, cls, today = isoDate(), failed = 0) {
  const until = warrantyUntil(saleDate, cls)
  if (!until || saleDate > today || today > until) return 'out_of_warranty'
  return failed >= SWAP.refund_after ? 'refund' : 'replace'
}

// -- events -------------------------------------------------------------------------------------

/**
 * 附件受理: its _id becomes the intake's id and order_id (a return names it), each line's id is made
 * here too so a return made on this tablet before posting can name the line.
 * form: {partyId, contactName, contactPhone, note, lines: [{id?, itemId, quantity, serials, condition, fault, accessoryClass, saleDate}]}
 */
export function buildSwapIntake(form, ctx) {
  const doc = envelope('swap_intake', ctx)
  doc.order_id = doc._id
  doc.party_id = form.partyId
  put(doc, 'contact_name', text(form.contactName))
  put(doc, 'contact_phone', text(form.contactPhone).replace(/[\s()]/g, ''))
  put(doc, 'note', text(form.note))
  doc.lines = form.lines.map((l) => {
    const line = { id: l.id || uuidv7(), item_id: l.itemId, quantity: Number(l.quantity) }
    put(line, 'serials', serialsOf(l))
    line.condition = l.condition || 'faulty'
    put(line, 'fault', text(l.fault))
    put(line, 'accessory_class', l.accessoryClass || null)
    put(line, 'sale_date', l.saleDate || null)
    return line
  })
  return doc
}

/**
 * 归还客户: per intake line it settles, the item going back (default the one taken in), quantity,
 * serials. order_id: the intake the return waits for (`orderId`, see returnOrderId).
 */
export function buildSwapReturn(form, orderId, ctx) {
  const doc = envelope('swap_return', ctx)
  doc.order_id = orderId
  doc.party_id = form.partyId
  put(doc, 'contact_name', text(form.contactName))
  put(doc, 'note', text(form.note))
  doc.lines = form.lines.map((l) => {
    const line = { intake_line_id: l.intakeLineId, quantity: Number(l.quantity) }
    put(line, 'item_id', l.itemId && l.itemId !== l.intakeItemId ? l.itemId : null)
    put(line, 'serials', serialsOf(l))
    put(line, 'note', text(l.note))
    return line
  })
  return doc
}

/** Serials of a line: trimmed, empty ones dropped. */
export function serialsOf(line) {
  return (line.serials || []).map((s) => text(s)).filter(Boolean)
}

/** Codes typed or scanned into a serial field (a hand scanner's Enter, a pasted column): one per code. */
export function splitSerials(value) {
  return String(value || '').split(/[\s,，;；]+/).map((s) => s.trim()).filter(Boolean)
}

// -- checks before saving ({field: code}, fields as the server names them; empty when it can be saved)

function lineQuantity(p, f, value, max = LIM.quantity) {
  if (!whole(value) || Number(value) < 1) p[`${f}.quantity`] = 'wholeNumber'
  else if (Number(value) > max) p[`${f}.quantity`] = max === LIM.quantity ? 'tooMany' : 'overHeld'
}

function lineSerials(p, f, line) {
  const serials = serialsOf(line)
  if (!serials.length) return
  if (serials.some((s) => s.length > LIM.serial)) p[`${f}.serials`] = 'tooLong'
  else if (new Set(serials).size !== serials.length) p[`${f}.serials`] = 'twice'
  else if (whole(line.quantity) && serials.length !== Number(line.quantity)) p[`${f}.serials`] = 'onePerUnit'
}

export function intakeProblems(form, { today = isoDate() } = {}) {
  const p = {}
  if (!form.partyId) p.party_id = 'required'
  if (text(form.contactName).length > LIM.contact_name) p.contact_name = 'tooLong'
  if (text(form.contactPhone).replace(/[\s()]/g, '').length > LIM.contact_phone) p.contact_phone = 'tooLong'
  if (text(form.note).length > LIM.note) p.note = 'tooLong'
  if (!form.lines?.length) p.lines = 'required'
  else if (form.lines.length > LIM.lines) p.lines = 'tooMany'
  ;(form.lines || []).forEach((l, n) => {
    const f = `lines.${n}`
    if (!l.itemId) p[`${f}.item_id`] = 'required'
    lineQuantity(p, f, l.quantity)
    lineSerials(p, f, l)
    if (!SWAP.conditions[l.condition || 'faulty']) p[`${f}.condition`] = 'required'
    if (text(l.fault).length > LIM.fault) p[`${f}.fault`] = 'tooLong'
    if (l.saleDate && l.saleDate > today) p[`${f}.sale_date`] = 'future'
  })
  return p
}

/** `held`: {intakeLineId: quantity this tablet knows is at the point for the distributor}. */
export function returnProblems(form, { held = {} } = {}) {
  const p = {}
  if (!form.partyId) p.party_id = 'required'
  if (text(form.contactName).length > LIM.contact_name) p.contact_name = 'tooLong'
  if (text(form.note).length > LIM.note) p.note = 'tooLong'
  if (!form.lines?.length) p.lines = 'required'
  const asked = {}
  ;(form.lines || []).forEach((l, n) => {
    const f = `lines.${n}`
    asked[l.intakeLineId] = (asked[l.intakeLineId] || 0) + (whole(l.quantity) ? Number(l.quantity) : 0)
    lineQuantity(p, f, l.quantity, Math.max(0, Number(held[l.intakeLineId] ?? LIM.quantity) - (asked[l.intakeLineId] - Number(l.quantity || 0))))
    lineSerials(p, f, l)
    if (text(l.note).length > LIM.fault) p[`${f}.note`] = 'tooLong'
  })
  return p
}

// -- what the tablet knows ------------------------------------------------------------------------

function syncOf(status) {
  if (!status) return 'pending'
  return status.state === 'posted' ? 'posted' : status.state === 'rejected' ? 'rejected' : 'waiting'
}

const byTime = (a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1)

/**
 * This tablet's swap documents in a point database: intakes and returns, each with its sync state
 * ('pending': on this tablet only, 'waiting', 'posted' with its number, 'rejected' with the server's
 * reasons). Oldest first.
 */
export function projectSwap(docs) {
  const statuses = new Map()
  const of = { swap_intake: [], swap_return: [] }
  for (const d of docs) {
    if (!d || typeof d._id !== 'string') continue
    if (d._id.startsWith(STATUS)) statuses.set(d._id.slice(STATUS.length), d)
    else if (of[d.type]) of[d.type].push(d)
  }
  const track = (type) => of[type].map((doc) => {
    const st = statuses.get(doc._id)
    return { id: doc._id, doc, partyId: doc.party_id, sync: syncOf(st), reasons: st?.reasons || [], number: st?.numbers?.[type] || null, createdAt: doc.created_at }
  }).sort(byTime)
  return { intakes: track('swap_intake'), returns: track('swap_return') }
}

/**
 * The intake lines of a distributor still held at the point, as the counter hands them back: the
 * server's history rows (GET /api/swap/history, online or kept from then: at_point, what came back
 * per item) and this tablet's intakes the server does not show yet, less this tablet's returns the
 * server has not counted (pending or waiting). Refused intakes and returns count for nothing.
 * → [{intakeLineId, intakeId, intakeNumber, itemId, itemCode, itemName, serials, held, items: [{itemId, itemCode, itemName, quantity}], sync}]
 */
export function heldLines(partyId, swap, serverRows = [], itemName = () => null) {
  const out = new Map()
  for (const r of serverRows.filter((x) => x.party_id === partyId)) {
    const back = (r.received_items || []).filter((i) => i.item_id !== r.item_id)
    out.set(r.intake_line_id, {
      intakeLineId: r.intake_line_id, intakeId: r.intake_id, intakeNumber: r.intake_number, itemId: r.item_id, itemCode: r.item_code, itemName: r.item_name,
      serials: r.serials || [], held: Number(r.at_point), atFactory: Number(r.at_factory || 0), sync: 'posted',
      items: [{ itemId: r.item_id, itemCode: r.item_code, itemName: r.item_name }, ...back.map((i) => ({ itemId: i.item_id, itemCode: i.item_code, itemName: i.item_name }))],
    })
  }
  for (const x of swap.intakes.filter((i) => i.partyId === partyId && i.sync !== 'rejected')) {
    for (const l of x.doc.lines) {
      if (out.has(l.id)) continue
      const name = itemName(l.item_id) || {}
      out.set(l.id, {
        intakeLineId: l.id, intakeId: x.id, intakeNumber: x.number, itemId: l.item_id, itemCode: name.code || '', itemName: name.name || '',
        serials: l.serials || [], held: Number(l.quantity || 1), atFactory: 0, sync: x.sync,
        items: [{ itemId: l.item_id, itemCode: name.code || '', itemName: name.name || '' }],
      })
    }
  }
  // Returns the server has not counted yet: posted ones are in its at_point once its answer is newer.
  for (const r of swap.returns.filter((x) => x.partyId === partyId && (x.sync === 'pending' || x.sync === 'waiting'))) {
    for (const l of r.doc.lines) {
      const line = out.get(l.intake_line_id)
      if (line) line.held -= Number(l.quantity || 0)
    }
  }
  return [...out.values()].filter((l) => l.held > 0)
}

/**
 * The intake a return waits for: the one of its lines not posted yet (made on this tablet), else
 * the first line's (posted: nothing to wait for). Lines of two intakes neither posted yet cannot
 * go in one return ('twoPending'): the worker waits for one order only.
 */
export function returnOrderId(lines, held) {
  const intakes = [...new Set(lines.map((l) => held.find((h) => h.intakeLineId === l.intakeLineId)?.intakeId).filter(Boolean))]
  const pending = intakes.filter((id) => held.find((h) => h.intakeId === id)?.sync !== 'posted')
  if (pending.length > 1) return { problem: 'twoPending' }
  return { orderId: pending[0] || intakes[0] || null }
}
