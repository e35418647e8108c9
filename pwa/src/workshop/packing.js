// Packing lists (装箱单) and handovers on the device: drafts are boxes being packed here (kept
// locally, never replicated); sending writes one repair_packing_list event; each device checked in
// where the box arrives is a repair_packing_receive event, the end of the check-in a
// repair_packing_close. The rules of the box are asked at the scan, as the server asks them: an
// IMEI must be good, name an open order here, not be in this box or another open one, and the
// machine must let this user send it. Pure, unit-tested.
//
// A factory box carries exchange units too (换机装箱单, docs/exchange.md), mixed with repair
// devices: a draft's `orderIds` holds every line in packing order and `exchangeIds` marks those
// that are exchange orders; the sent event names them apart (order_ids, exchange_order_ids) and the
// server numbers the repair lines first. An exchange unit leaves with the exchange machine's
// `dispatch`; it comes back as the manufacturer's replacement, scanned naming the old unit
// (replaces_imei).
import { imeiProblem, normaliseImei } from '../repair/imei.js'
import { findOrder } from './queue.js'
import { refusal } from '../repair/machine.js'
import { factsAfter, refusal as exchangeRefusal, stateAfter } from '../exchange/machine.js'
import { tokenTarget } from '../print/token.js'

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
    // An exchange unit's line is received when the manufacturer's unit naming it is: old IMEI → new.
    const replaced = new Map(ok.filter((r) => r.doc.replaces_imei).map((r) => [r.doc.replaces_imei, r.doc.imei]))
    let state = 'in_transit'
    if (e.sync === 'rejected') state = 'rejected'
    else if (e.sync !== 'posted') state = 'sending'
    else if (close) state = 'closed'
    else if (ok.length) state = 'receiving'
    return {
      id: e.doc._id, doc: e.doc, purpose: e.doc.purpose, orderIds: e.doc.order_ids || [], exchangeIds: e.doc.exchange_order_ids || [],
      number: e.numbers.repair_packing_list || null,
      sync: e.sync, reasons: e.reasons, at: e.at, receipts: own, received, replaced, closed: !!close, closeSync: close?.sync || null, state,
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
  for (const l of lists) {
    if (l.state === 'rejected' || l.state === 'closed') continue
    for (const id of [...l.orderIds, ...(l.exchangeIds || [])]) out.set(id, l.number || l.id)
  }
  return out
}

// -- exchange units ---------------------------------------------------------------------------

// The exchange states whose unit may still be at the point waiting to be sent (server/repair/packing.py
// _open_exchange_by_imei); the machine's `dispatch` decides (mode B before anything, A/C once handed over).
const EXCHANGE_OPEN = ['pending_exchange', 'pending_dispatch']

/**
 * The manufacturer that replaces an exchange order's unit, as the server sets it at intake: the
 * order's own (its intake or the server's answer), else the model's brand's rule, else the default
 * rule's (rules: rows of GET /api/exchange/rules kept on the tablet); null when none says.
 */
export function exchangeManufacturer(x, { models = {}, rules = [] } = {}) {
  const own = x.manufacturerId || x.intake?.manufacturer_id
  if (own) return own
  const brand = models[x.modelId]?.brand_id
  const rule = (brand && rules.find((r) => r.brand_id === brand)) || rules.find((r) => !r.brand_id)
  return rule?.manufacturer_id || null
}

/**
 * The exchange orders as the point's boxes moved them: a unit on a sent list (not refused) was
 * dispatched, one whose replacement was checked in received it — the machine's own events, which the
 * counter's projection learns only from the server's answer. Applied where the machine allows them
 * (an answer that already reflects them is left as it is).
 */
export function withBoxMoves(exchanges, lists = []) {
  const moves = new Map()
  for (const l of lists) {
    if (l.state === 'rejected') continue
    const replaced = l.replaced || new Map()
    for (const id of l.exchangeIds || []) moves.set(id, { list: l, replaced })
  }
  if (!moves.size) return exchanges
  return exchanges.map((x) => {
    const m = moves.get(x.id)
    if (!m) return x
    let { state, facts } = x
    const step = (event) => {
      if (exchangeRefusal(event, { state, facts })) return
      state = stateAfter(state, event, facts)
      facts = factsAfter(facts, event)
    }
    step('dispatch')
    if (m.replaced.has(x.imei)) step('receive_replacement')
    return state === x.state && facts === x.facts ? x : { ...x, state, facts }
  })
}

/**
 * The exchange order a scanned or typed text names: its E1 code, the old unit's IMEI (the newest
 * order waiting at the point, else the newest), its HJ number or provisional code. Found whatever
 * its state, so the box says why it may not go (in another box, the machine's state) rather than
 * not knowing it.
 */
export function findExchange(exchanges, text) {
  const raw = String(text || '').trim()
  if (!raw) return null
  const target = tokenTarget(raw)
  if (target) return target.kind === 'exchange_order' ? exchanges.find((x) => x.id === target.id) || null : null
  const live = exchanges.filter((x) => x.sync !== 'rejected')
  const imei = normaliseImei(raw)
  if (/^\d{15}$/.test(imei)) {
    const hits = live.filter((x) => x.imei === imei).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
    return hits.find((x) => EXCHANGE_OPEN.includes(x.state)) || hits[0] || null
  }
  const up = raw.toUpperCase()
  const hits = live.filter((x) => x.number === up || x.provisionalCode === up || x.id === raw)
  return hits.length === 1 ? hits[0] : null
}

/** Why an exchange unit may not go into this box: null, or {code: 'factoryOnly'|'otherMaker'|'refused', refusal?}. */
export function exchangeProblem(box, x, { permissions = null, models = {}, rules = [] } = {}) {
  if (box.purpose !== 'factory') return { code: 'factoryOnly' }
  const maker = exchangeManufacturer(x, { models, rules })
  if (maker && box.manufacturerId && maker !== box.manufacturerId) return { code: 'otherMaker', manufacturerId: maker }
  if (x.sync === 'rejected' || !x.state) return { code: 'refused', refusal: { kind: 'rejected' } }
  const why = exchangeRefusal('dispatch', { state: x.state, facts: x.facts, permissions })
  return why ? { code: 'refused', refusal: why } : null
}

/**
 * The exchange units waiting to go to the box's manufacturer (mode B units still the customer's,
 * A/C units handed over and in defective stock): the machine lets them be sent, they are in no open
 * box, and their manufacturer is the box's (or not known yet: the box's becomes theirs when sent).
 */
export function waitingExchanges(box, exchanges, { drafts = [], lists = [], permissions = null, models = {}, rules = [] } = {}) {
  if (box.purpose !== 'factory') return []
  const elsewhere = packedElsewhere(drafts, lists, box.id)
  return exchanges.filter((x) => !box.orderIds.includes(x.id) && !elsewhere.has(x.id) && !exchangeProblem(box, x, { permissions, models, rules }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
}

/**
 * A device scanned into a box being packed. box: {id, purpose, manufacturerId, orderIds, exchangeIds}.
 * An open repair order's device first (as the server), else an exchange unit waiting to be sent
 * (its IMEI, E1 code or HJ number; `exchanges`: the point's exchange projection).
 * @returns {{ok: true, order}} or {{ok: true, exchange}} or {{ok: false, code: 'empty'|'imei'|'unknown'|'duplicate'|'elsewhere'|'refused'|'factoryOnly'|'otherMaker', problem?, line?, other?, refusal?, order?, exchange?}}
 */
export function scanIntoBox(box, text, { orders, exchanges = [], drafts = [], lists = [], permissions = null, models = {}, rules = [] }) {
  const raw = String(text || '').trim()
  if (!raw) return { ok: false, code: 'empty' }
  const digits = normaliseImei(raw)
  if (/^\d+$/.test(digits)) {
    const problem = imeiProblem(digits)
    if (problem) return { ok: false, code: 'imei', problem }
  }
  const order = findOrder(orders, raw)
  const exchange = order ? null : findExchange(exchanges, raw)
  const found = order || exchange
  if (!found) return { ok: false, code: 'unknown' }
  const what = order ? { order } : { exchange }
  const at = box.orderIds.indexOf(found.id)
  if (at >= 0) return { ok: false, code: 'duplicate', line: at + 1, ...what }
  const other = packedElsewhere(drafts, lists, box.id).get(found.id)
  if (other) return { ok: false, code: 'elsewhere', other, ...what }
  if (exchange) {
    const problem = exchangeProblem(box, exchange, { permissions, models, rules })
    return problem ? { ok: false, ...problem, exchange } : { ok: true, exchange }
  }
  const why = refusal(SEND_EVENT[box.purpose] || 'forward', { state: order.state, facts: order.facts, permissions })
  if (why) return { ok: false, code: 'refused', refusal: why, order }
  return { ok: true, order }
}

/** The lines of a box being packed, in packing order: [{seq, orderId, kind: 'repair'|'exchange', order, exchange, imei, state: 'packed'}]. */
export function draftLines(draft, orders, exchanges = []) {
  const xs = new Set(draft.exchangeIds || [])
  const byId = new Map(orders.map((o) => [o.id, o]))
  const xById = new Map(exchanges.map((x) => [x.id, x]))
  return draft.orderIds.map((id, i) => {
    const exchange = xs.has(id) ? xById.get(id) || null : null
    const order = xs.has(id) ? null : byId.get(id) || null
    return { seq: i + 1, orderId: id, kind: xs.has(id) ? 'exchange' : 'repair', order, exchange, imei: (order || exchange)?.imei || '', state: 'packed' }
  })
}

/** The sent event's lists of a draft: repair devices and exchange units apart (the server numbers them in that order). */
export function splitDraft(draft) {
  const xs = new Set(draft.exchangeIds || [])
  const ids = [...new Set(draft.orderIds)]
  return { orderIds: ids.filter((id) => !xs.has(id)), exchangeIds: ids.filter((id) => xs.has(id)) }
}

/**
 * A device scanned at the check-in of a sent list. The server records a device not on the list as
 * unexpected, so it is let through with `expected: false` — with the list's exchange units still
 * out as `candidates`, since a manufacturer's replacement is new to the list too and must name the
 * unit it replaces. Scanning an exchange unit's old IMEI, E1 code or HJ number chooses it:
 * {ok: true, replace: line}, and the next scan (`replacing`: that line) is its replacement.
 * @returns {{ok: true, imei, expected, order, replacesImei?, exchange?, candidates?}} or {{ok: true, replace}} or
 *          {{ok: false, code: 'empty'|'imei'|'unknown'|'duplicate'|'closed'|'sameUnit', problem?}}
 */
export function scanReceive(list, text, { orders, exchanges = [], replacing = null }) {
  if (list.closed || list.state === 'rejected') return { ok: false, code: 'closed' }
  const raw = String(text || '').trim()
  if (!raw) return { ok: false, code: 'empty' }
  const { lines } = listLines(list, orders, exchanges)
  const out = lines.filter((l) => l.kind === 'exchange' && l.state === 'in_transit')
  let imei = normaliseImei(raw)
  if (!replacing) {
    // The old unit named (its E1 code, HJ number or IMEI): the next scan is the manufacturer's unit.
    const target = tokenTarget(raw)
    const up = raw.toUpperCase()
    const named = lines.find((l) => l.kind === 'exchange' && (
      (target?.kind === 'exchange_order' && l.orderId === target.id) || (l.imei && l.imei === imei) ||
      (l.exchange && (l.exchange.number === up || l.exchange.provisionalCode === up))))
    if (named) return named.state === 'in_transit' ? { ok: true, replace: named } : { ok: false, code: 'duplicate' }
  }
  if (!/^\d+$/.test(imei)) {
    if (replacing) return { ok: false, code: 'unknown' }
    const o = findOrder(orders, raw, { open: false })
    if (!o) return { ok: false, code: 'unknown' }
    imei = o.imei
  }
  const problem = imeiProblem(imei)
  if (problem) return { ok: false, code: 'imei', problem }
  if (list.received.has(imei)) return { ok: false, code: 'duplicate' }
  if (replacing) {
    if (imei === replacing.imei) return { ok: false, code: 'sameUnit' }
    return { ok: true, imei, expected: true, order: null, replacesImei: replacing.imei, exchange: replacing.exchange }
  }
  const byId = new Map(orders.map((o) => [o.id, o]))
  const order = list.orderIds.map((id) => byId.get(id)).find((o) => o?.imei === imei) || null
  return order ? { ok: true, imei, expected: true, order } : { ok: true, imei, expected: false, order: null, candidates: out }
}

/**
 * The lines of a sent list for display, numbered as the server numbers them (repair devices, then
 * exchange units): [{seq, orderId, kind, order, exchange, imei, replacementImei, state:
 * 'packed'|'in_transit'|'received'|'missing'}] plus unexpected IMEIs.
 */
export function listLines(list, orders, exchanges = []) {
  const byId = new Map(orders.map((o) => [o.id, o]))
  const xById = new Map(exchanges.map((x) => [x.id, x]))
  const replaced = list.replaced || new Map()
  const stateOf = (got) => (got ? 'received' : list.closed ? 'missing' : list.state === 'sending' ? 'packed' : 'in_transit')
  const lines = list.orderIds.map((id, i) => {
    const order = byId.get(id) || null
    return { seq: i + 1, orderId: id, kind: 'repair', order, exchange: null, imei: order?.imei || '', replacementImei: '', state: stateOf(order && list.received.has(order.imei)) }
  })
  for (const id of list.exchangeIds || []) {
    const exchange = xById.get(id) || null
    const imei = exchange?.imei || ''
    const replacementImei = (imei && replaced.get(imei)) || ''
    lines.push({ seq: lines.length + 1, orderId: id, kind: 'exchange', order: null, exchange, imei, replacementImei, state: stateOf(!!replacementImei) })
  }
  const known = new Set(lines.map((l) => l.imei))
  const replacements = new Set(replaced.values())
  const unexpected = [...list.received].filter((imei) => !known.has(imei) && !replacements.has(imei))
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
