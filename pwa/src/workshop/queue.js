// The workshop's queues, made from the counter's order projection (repair/orders.js) and the
// workshop's own documents: which engineer an order is assigned to, what is away in a box,
// which parts were drawn for it and fitted into it. Pure, unit-tested.
import { imeiProblem, normaliseImei } from '../repair/imei.js'
import { orderIdFromToken, tokenTarget } from '../print/token.js'
import { refusal } from '../repair/machine.js'

export const QUEUES = ['toAccept', 'toStart', 'inRepair', 'toQc', 'ready']

const live = (e) => e.sync !== 'rejected'

/** The engineer an order was given to (the last accept / start_repair naming one), else null. */
export function assignedEngineer(order) {
  const e = (order.events || []).filter((x) => live(x) && x.doc?.engineer_id && (x.event === 'accept' || x.event === 'start_repair')).at(-1)
  return e ? e.doc.engineer_id : null
}

/** Which queue an order is in now, or null (done, refused, away in a box). */
export function queueOf(order, { away = new Set() } = {}) {
  if (!order || !order.state || order.sync === 'rejected') return null
  if (away.has(order.id) || order.facts?.forwarded_out) return null
  switch (order.state) {
    case 'pending_acceptance': return 'toAccept'
    case 'pending_repair': return order.facts?.repair_started ? 'inRepair' : 'toStart'
    case 'pending_qc': return 'toQc'
    case 'pending_pickup': return 'ready'
    default: return null
  }
}

/**
 * The engineer's work: {queue: [orders]} for every queue, oldest first (first in, first repaired),
 * and counts. `mine`: only orders given to `engineerId` (and unassigned ones waiting to be taken).
 */
export function engineerQueues(orders, { engineerId = null, mine = false, away = new Set(), q = '' } = {}) {
  const out = Object.fromEntries(QUEUES.map((k) => [k, []]))
  const needle = String(q || '').trim().toLowerCase()
  for (const o of orders) {
    const k = queueOf(o, { away })
    if (!k) continue
    if (mine && engineerId && k !== 'toAccept') {
      const who = assignedEngineer(o)
      if (who && who !== engineerId) continue
    }
    if (needle && ![o.imei, o.number, o.provisionalCode, o.customerName, o.customerPhone].some((v) => v && String(v).toLowerCase().includes(needle))) continue
    out[k].push(o)
  }
  for (const k of QUEUES) out[k].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
  return out
}

/** Hours since the order was taken in (for "waiting 3 h" on a card). */
export function ageHours(order, now = new Date()) {
  const t = Date.parse(order.createdAt)
  return Number.isNaN(t) ? 0 : Math.max(0, Math.floor((now.getTime() - t) / 3_600_000))
}

/**
 * The order a scanned or typed text names: a ticket's QR token, an IMEI (the open order of that
 * device, newest), a number or a provisional code. null when none or more than one match.
 */
export function findOrder(orders, text, { open = true } = {}) {
  const raw = String(text || '').trim()
  if (!raw) return null
  const id = orderIdFromToken(raw)
  if (id) return orders.find((o) => o.id === id) || null
  const active = (o) => o.sync !== 'rejected' && (!open || ['pending_acceptance', 'pending_repair', 'pending_qc', 'pending_pickup'].includes(o.state))
  const imei = normaliseImei(raw)
  if (/^\d{15}$/.test(imei)) {
    const hits = orders.filter((o) => o.imei === imei && active(o))
    return hits.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0] || null
  }
  const up = raw.toUpperCase()
  const hits = orders.filter((o) => active(o) && (o.number === up || o.provisionalCode === up || o.id === raw))
  return hits.length === 1 ? hits[0] : null
}

/** The exchange order a scanned exchange ticket names (its E1 code), else null: the counter's
 *  scan fields open it on its own page (repair's orders are found by findOrder). */
export function exchangeIdFromScan(text) {
  const target = tokenTarget(text)
  return target?.kind === 'exchange_order' ? target.id : null
}

/** What kind of text a scan was, for the message when nothing matched. */
export function scanProblem(text) {
  const raw = String(text || '').trim()
  if (!raw) return 'empty'
  const digits = normaliseImei(raw)
  if (/^\d+$/.test(digits)) return imeiProblem(digits) ? 'imei' : 'unknown'
  return 'unknown'
}

/** Why this user may not fire `event` on the order now: null, or {kind, guard?}. */
export function blocked(order, event, permissions) {
  if (!order || order.sync === 'rejected') return { kind: 'rejected' }
  return refusal(event, { state: order.state, facts: order.facts, permissions })
}

// -- parts ---------------------------------------------------------------------------------

/**
 * The parts of an order: what was drawn for it (requisitions whose reference is its number or
 * provisional code), fitted into it (repair_part events) and returned unused (surplus returns with
 * the same reference), per item with what is left in hand and the warehouse it came from.
 * docs: the workshop's documents {requisitions: [{doc, sync, reasons, number}], parts: [{doc, sync, reasons}], returns: […]}.
 * @returns {{lines: [{itemId, drawn, used, returned, left, pendingDrawn, pendingUsed, warehouseId}], requisitions, parts, returns}}
 */
export function orderParts(order, { requisitions = [], parts = [], returns = [] } = {}) {
  const refs = new Set([order.number, order.provisionalCode].filter(Boolean))
  const reqs = requisitions.filter((r) => refs.has(r.doc.reference))
  const used = parts.filter((p) => p.doc.order_id === order.id)
  const back = returns.filter((r) => refs.has(r.doc.reference) && (r.doc.kind || 'surplus') === 'surplus')
  const byItem = new Map()
  const line = (itemId) => {
    if (!byItem.has(itemId)) byItem.set(itemId, { itemId, drawn: 0, used: 0, returned: 0, left: 0, pendingDrawn: 0, pendingUsed: 0, warehouseId: null })
    return byItem.get(itemId)
  }
  for (const r of reqs) {
    if (r.sync === 'rejected') continue
    for (const l of r.doc.lines || []) {
      const x = line(l.item_id)
      const n = Number(l.quantity || 1)
      x.drawn += n
      x.warehouseId = r.doc.warehouse_id
      if (r.sync !== 'posted') x.pendingDrawn += n
    }
  }
  for (const r of back) {
    if (r.sync === 'rejected') continue
    for (const l of r.doc.lines || []) line(l.item_id).returned += Number(l.quantity || 1)
  }
  for (const p of used) {
    if (p.sync === 'rejected') continue
    const x = line(p.doc.item_id)
    x.used += p.doc.quantity || 1
    if (p.sync !== 'posted') x.pendingUsed += p.doc.quantity || 1
  }
  for (const x of byItem.values()) x.left = Math.max(0, x.drawn - x.used - x.returned)
  return { lines: [...byItem.values()], requisitions: reqs, parts: used, returns: back }
}

/** Parts an engineer may draw for a device of `modelId`: the model's parts, then the brand's accessories; serialized items left out. */
export function partsForModel(items, model) {
  if (!model) return []
  const ok = (i) => i.active !== false && !i.serialized
  const own = items.filter((i) => ok(i) && (i.kind === 'part' || i.kind === 'mainboard') && i.model_id === model.id)
  const acc = items.filter((i) => ok(i) && i.kind === 'accessory' && i.brand_id && i.brand_id === model.brand_id)
  const byCode = (a, b) => a.code.localeCompare(b.code)
  return [...own.sort(byCode), ...acc.sort(byCode)]
}
