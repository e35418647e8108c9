// Packing lists (装箱单) and handovers on the device: drafts are boxes being packed here (kept
// locally, never replicated); sending writes one repair_packing_list event; each device checked in
// where the box arrives is a repair_packing_receive event, the end of the check-in a
// repair_packing_close. The rules of the box are asked at the scan, as the server asks them: an
// IMEI must be good, name an open order here, not be in this box or another open one, and the
// machine must let this user send it. Pure, unit-tested.
import { imeiProblem, normaliseImei } from '../repair/imei.js'
import { findOrder } from './queue.js'
import { refusal } from '../repair/machine.js'

// The machine's event that sends a device of a list of this purpose (server/repair/packing.py).
export const SEND_EVENT = { forward: 'forward', factory: 'forward', return: 'send_back' }
export const PURPOSES = ['factory', 'forward', 'return']

const STATUS = 'status:'
const syncOf = (status) => (!status ? 'pending' : status.state === 'posted' ? 'posted' : status.state === 'rejected' ? 'rejected' : 'waiting')

/** Wrap workshop documents with their status: [{doc, sync, reasons, numbers, at}] by type. */
export function withStatus(docs) {
  const statuses = new Map()
  const events = []
  for (const d of docs) {
    if (!d || typeof d._id !== 'string') continue
    if (d._id.startsWith(STATUS)) statuses.set(d._id.slice(STATUS.length), d)
    else if (d.type) events.push(d)
  }
  const byType = {}
  for (const doc of events.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0))) {
    const s = statuses.get(doc._id)
    ;(byType[doc.type] ||= []).push({ doc, sync: syncOf(s), reasons: s?.reasons || [], numbers: s?.numbers || {}, at: doc.created_at })
  }
  return byType
}

/**
 * Sent packing lists with their check-in: newest first.
 * [{id, doc, purpose, orderIds, number, sync, reasons, receipts: [{imei, sync, reasons, at}], received: Set(imei),
 *   closed, closeSync, state: 'sending'|'rejected'|'in_transit'|'receiving'|'closed'}]
 */
export function projectLists(byType) {
  const receipts = byType.repair_packing_receive || []
  const closes = byType.repair_packing_close || []
  return (byType.repair_packing_list || []).map((e) => {
    const own = receipts.filter((r) => r.doc.order_id === e.doc._id)
    const close = closes.filter((c) => c.doc.order_id === e.doc._id && c.sync !== 'rejected').at(-1)
    const ok = own.filter((r) => r.sync !== 'rejected')
    const received = new Set(ok.map((r) => r.doc.imei))
    let state = 'in_transit'
    if (e.sync === 'rejected') state = 'rejected'
    else if (e.sync !== 'posted') state = 'sending'
    else if (close) state = 'closed'
    else if (ok.length) state = 'receiving'
    return {
      id: e.doc._id, doc: e.doc, purpose: e.doc.purpose, orderIds: e.doc.order_ids || [], number: e.numbers.repair_packing_list || null,
      sync: e.sync, reasons: e.reasons, at: e.at, receipts: own, received, closed: !!close, closeSync: close?.sync || null, state,
    }
  }).sort((a, b) => (a.at < b.at ? 1 : -1))
}

/** Orders away in a sent box that has not come back (their device is not here to repair). */
export function awayOrderIds(lists, ordersById = new Map()) {
  const away = new Set()
  for (const l of lists) {
    if (l.state === 'rejected' || l.state === 'closed') continue
    for (const id of l.orderIds) {
      const imei = ordersById.get(id)?.imei
      if (!imei || !l.received.has(imei)) away.add(id)
    }
  }
  return away
}

/** Orders packed in another box still open: drafts here and sent lists not closed. id → label. */
export function packedElsewhere(drafts, lists, exceptDraftId = null) {
  const out = new Map()
  for (const d of drafts) if (d.id !== exceptDraftId) for (const id of d.orderIds) out.set(id, d.label || d.id)
  for (const l of lists) if (l.state !== 'rejected' && l.state !== 'closed') for (const id of l.orderIds) out.set(id, l.number || l.id)
  return out
}

/**
 * A device scanned into a box being packed. box: {id, purpose, orderIds}.
 * @returns {{ok: true, order}} or {{ok: false, code: 'empty'|'imei'|'unknown'|'duplicate'|'elsewhere'|'refused', problem?, line?, other?, refusal?, order?}}
 */
export function scanIntoBox(box, text, { orders, drafts = [], lists = [], permissions = null }) {
  const raw = String(text || '').trim()
  if (!raw) return { ok: false, code: 'empty' }
  const digits = normaliseImei(raw)
  if (/^\d+$/.test(digits)) {
    const problem = imeiProblem(digits)
    if (problem) return { ok: false, code: 'imei', problem }
  }
  const order = findOrder(orders, raw)
  if (!order) return { ok: false, code: 'unknown' }
  const at = box.orderIds.indexOf(order.id)
  if (at >= 0) return { ok: false, code: 'duplicate', line: at + 1, order }
  const other = packedElsewhere(drafts, lists, box.id).get(order.id)
  if (other) return { ok: false, code: 'elsewhere', other, order }
  const why = refusal(SEND_EVENT[box.purpose] || 'forward', { state: order.state, facts: order.facts, permissions })
  if (why) return { ok: false, code: 'refused', refusal: why, order }
  return { ok: true, order }
}

/**
 * A device scanned at the check-in of a sent list. The server records a device not on the list as
 * unexpected, so it is let through with `expected: false`; a second scan is refused.
 * @returns {{ok: true, imei, expected, order}} or {{ok: false, code: 'empty'|'imei'|'duplicate'|'closed', problem?}}
 */
export function scanReceive(list, text, { orders }) {
  if (list.closed || list.state === 'rejected') return { ok: false, code: 'closed' }
  const raw = String(text || '').trim()
  if (!raw) return { ok: false, code: 'empty' }
  let imei = normaliseImei(raw)
  if (!/^\d+$/.test(imei)) {
    const o = findOrder(orders, raw, { open: false })
    if (!o) return { ok: false, code: 'unknown' }
    imei = o.imei
  }
  const problem = imeiProblem(imei)
  if (problem) return { ok: false, code: 'imei', problem }
  if (list.received.has(imei)) return { ok: false, code: 'duplicate' }
  const byId = new Map(orders.map((o) => [o.id, o]))
  const order = list.orderIds.map((id) => byId.get(id)).find((o) => o?.imei === imei) || null
  return { ok: true, imei, expected: !!order, order }
}

/** The lines of a sent list for display: [{seq, orderId, order, state: 'in_transit'|'received'|'missing'|'sending'}] plus unexpected IMEIs. */
export function listLines(list, orders) {
  const byId = new Map(orders.map((o) => [o.id, o]))
  const lines = list.orderIds.map((id, i) => {
    const order = byId.get(id) || null
    const got = order && list.received.has(order.imei)
    let state = list.state === 'sending' ? 'packed' : 'in_transit'
    if (got) state = 'received'
    else if (list.closed) state = 'missing'
    return { seq: i + 1, orderId: id, order, imei: order?.imei || '', state }
  })
  const known = new Set(lines.map((l) => l.imei))
  const unexpected = [...list.received].filter((imei) => !known.has(imei))
  return { lines, unexpected }
}

/**
 * A device scanned onto a handover: an open order here whose device is not away, once.
 * @returns {{ok: true, order}} or {{ok: false, code}}
 */
export function scanForHandover(picked, text, { orders, away = new Set() }) {
  const raw = String(text || '').trim()
  if (!raw) return { ok: false, code: 'empty' }
  const digits = normaliseImei(raw)
  if (/^\d+$/.test(digits) && imeiProblem(digits)) return { ok: false, code: 'imei', problem: imeiProblem(digits) }
  const order = findOrder(orders, raw)
  if (!order) return { ok: false, code: 'unknown' }
  if (picked.includes(order.id)) return { ok: false, code: 'duplicate', order }
  if (away.has(order.id) || order.facts?.forwarded_out) return { ok: false, code: 'away', order }
  return { ok: true, order }
}
