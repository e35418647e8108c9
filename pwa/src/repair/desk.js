// The repair desk offline (issue 16 §4): the events a counter writes to lend and take back a
// loaner, ask for a refund and take in a distributor's batch (sync/schemas/repair_loaner_*,
// repair_refund, repair_batch*), the checks made before saving them (the server's own rules,
// exported from server/repair/rules.py `desk()`), and what the tablet knows of the slips and
// batches from its local documents (events + the server's status documents), merged with the
// server's answers seen online. Pure: the pages and unit tests call it.
import { envelope, moneyText } from './events.js'
import { imeiProblem, normaliseImei } from './imei.js'
import { isoDate, moneyProblem, phoneProblem, RULES, signatureProblem, textProblem } from './rules.js'

export const DESK = RULES.desk
const STATUS = 'status:'

const text = (v) => (typeof v === 'string' ? v.trim() : '')
const put = (doc, key, value) => {
  if (value === undefined || value === null || value === '') return
  doc[key] = value
}
const tooLong = (field, value) => text(value).length > DESK.text_limits[field]
const positive = (v) => String(v ?? '').trim() !== '' && Number(v) !== 0

// -- events -------------------------------------------------------------------------------------

/** 借出备机: the unit scanned (the server finds its item in the point's loaner warehouse); the event's _id becomes the slip's id. */
export function buildLoanerLend(orderId, form, ctx) {
  const doc = envelope('repair_loaner_lend', ctx)
  doc.order_id = orderId
  doc.serial = normaliseImei(form.serial)
  doc.due_date = form.dueDate
  const deposit = moneyText(form.deposit)
  if (deposit && Number(deposit) > 0) Object.assign(doc, { deposit, account_id: form.accountId })
  put(doc, 'note', text(form.note))
  return doc
}

/** 备机归还 of the slip `loanerId` (this tablet's or the server's) on its order. */
export function buildLoanerReturn(orderId, loanerId, form, ctx) {
  const doc = envelope('repair_loaner_return', ctx)
  doc.order_id = orderId
  doc.loaner_id = loanerId
  doc.condition = form.condition
  const charge = moneyText(form.damageCharge)
  if (form.condition === 'damaged' && charge && Number(charge) > 0) doc.damage_charge = charge
  put(doc, 'account_id', form.accountId || null)
  put(doc, 'note', text(form.note))
  return doc
}

/** 退款单 (waits for approval); its _id becomes the slip's id. */
export function buildRefund(orderId, form, ctx) {
  const doc = envelope('repair_refund', ctx)
  doc.order_id = orderId
  doc.amount = moneyText(form.amount)
  doc.account_id = form.accountId
  doc.reason = text(form.reason)
  return doc
}

/** 批量受理: opens the batch (its _id is the batch's id, so its devices can name it at once). */
export function buildBatch(form, ctx) {
  const doc = envelope('repair_batch', ctx)
  doc.order_id = doc._id
  doc.party_id = form.partyId
  put(doc, 'contact_name', text(form.contactName))
  doc.contact_phone = text(form.contactPhone).replace(/[\s()]/g, '')
  doc.mode = form.mode || 'A'
  put(doc, 'note', text(form.note))
  return doc
}

/** One device scanned into the batch: its _id becomes the device's repair order id. */
export function buildBatchDevice(batchId, form, ctx) {
  const doc = envelope('repair_batch_device', ctx)
  doc.order_id = batchId
  doc.imei = normaliseImei(form.imei)
  put(doc, 'model_id', form.modelId || null)
  if (form.symptomIds?.length) doc.symptom_ids = [...new Set(form.symptomIds)]
  put(doc, 'fault_description', text(form.faultDescription))
  put(doc, 'provisional_code', form.provisionalCode)
  return doc
}

export function buildBatchClose(batchId, ctx) {
  const doc = envelope('repair_batch_close', ctx)
  doc.order_id = batchId
  return doc
}

export function buildBatchPickup(batchId, signature, ctx) {
  const doc = envelope('repair_batch_pickup', ctx)
  doc.order_id = batchId
  doc.signature = signature
  return doc
}

// -- checks before saving ({field: code}; empty when it can be saved) ---------------------------

/**
 * Lending: the order must be open (state known on this tablet), the unit scanned, a due date not in
 * the past, a deposit with its account. `out`: serials this tablet knows are lent and not back.
 */
export function lendProblems(form, { order, out = [], today = isoDate() } = {}) {
  const p = {}
  if (!order) p.order = 'required'
  else if (order.state && !DESK.loaner_open_states.includes(order.state)) p.order = 'notOpen'
  const serial = normaliseImei(form.serial)
  if (!serial) p.serial = 'required'
  else if (serial.length > DESK.text_limits.loaner_serial) p.serial = 'tooLong'
  else if (out.includes(serial)) p.serial = 'out'
  if (!form.dueDate) p.dueDate = 'required'
  else if (form.dueDate < today) p.dueDate = 'past'
  if (positive(form.deposit)) {
    const mp = moneyProblem(form.deposit)
    if (mp) p.deposit = mp
    else if (!form.accountId) p.account = 'required'
  } else if (text(String(form.deposit ?? '')) && moneyProblem(form.deposit, { positive: false })) p.deposit = 'money'
  if (tooLong('loaner_note', form.note)) p.note = 'tooLong'
  return p
}

/** Returning: a condition; a damage charge only when damaged, at most the deposit held on the slip. */
export function returnProblems(form, { deposit = null } = {}) {
  const p = {}
  if (!['good', 'damaged'].includes(form.condition)) p.condition = 'required'
  if (positive(form.damageCharge)) {
    const mp = moneyProblem(form.damageCharge)
    if (form.condition !== 'damaged') p.damageCharge = 'onlyDamaged'
    else if (mp) p.damageCharge = mp
    else if (deposit !== null && Number(form.damageCharge) > Number(deposit)) p.damageCharge = 'overDeposit'
  }
  if (tooLong('loaner_return_note', form.note)) p.note = 'tooLong'
  return p
}

/**
 * A refund slip: an amount (at most the deposit held, when the tablet knows it and the order is not
 * settled), the drawer it is paid from, a reason. Batch devices take no refunds.
 */
export function refundProblems(form, { order, held = null } = {}) {
  const p = {}
  if (!order) p.order = 'required'
  else if (order.batch) p.order = 'batch'
  const mp = moneyProblem(form.amount)
  if (mp) p.amount = mp
  else if (held !== null && Number(form.amount) > Number(held)) p.amount = 'overHeld'
  if (!form.accountId) p.account = 'required'
  if (!text(form.reason)) p.reason = 'required'
  else if (tooLong('refund_reason', form.reason)) p.reason = 'tooLong'
  return p
}

export function batchProblems(form) {
  const p = {}
  if (!form.partyId) p.party = 'required'
  const pp = phoneProblem(form.contactPhone)
  if (pp) p.phone = pp
  else if (tooLong('contact_phone', String(form.contactPhone).replace(/[\s()]/g, ''))) p.phone = 'tooLong'
  if (tooLong('contact_name', form.contactName)) p.contact = 'tooLong'
  if (!DESK.batch_modes.includes(form.mode || 'A')) p.mode = 'required'
  return p
}

/** A scanned device: a good IMEI not already in the batch (`lines`: its lines), a fault. */
export function batchDeviceProblems(form, { lines = [] } = {}) {
  const p = {}
  const ip = imeiProblem(form.imei)
  const imei = normaliseImei(form.imei)
  if (ip) p.imei = ip
  else {
    const n = lines.findIndex((l) => l.imei === imei && l.sync !== 'rejected')
    if (n >= 0) p.imei = 'inBatch'
  }
  if (!(form.symptomIds || []).length && !text(form.faultDescription)) p.fault = 'required'
  else if (textProblem('fault_description', form.faultDescription)) p.fault = 'tooLong'
  return p
}

export function pickupProblems(signature) {
  const sp = signatureProblem(signature)
  return sp ? { signature: sp } : {}
}

// -- what the tablet knows -----------------------------------------------------------------------

function syncOf(status) {
  if (!status) return 'pending'
  return status.state === 'posted' ? 'posted' : status.state === 'rejected' ? 'rejected' : 'waiting'
}

function tracked(doc, statuses) {
  const st = statuses.get(doc._id)
  return { id: doc._id, doc, sync: syncOf(st), reasons: st?.reasons || [], numbers: st?.numbers || {}, createdAt: doc.created_at, userId: doc.user_id }
}

const byTime = (a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1)

/**
 * The desk's documents in a point database: loaner slips (with their returns), refund slips and
 * batches (with their devices, close and pickup), each with its sync state ('pending': on this
 * tablet only, 'waiting', 'posted', 'rejected' with the server's reasons). Oldest first.
 */
export function projectDesk(docs) {
  const statuses = new Map()
  const of = { repair_loaner_lend: [], repair_loaner_return: [], repair_refund: [], repair_batch: [], repair_batch_device: [], repair_batch_close: [], repair_batch_pickup: [] }
  for (const d of docs) {
    if (!d || typeof d._id !== 'string') continue
    if (d._id.startsWith(STATUS)) statuses.set(d._id.slice(STATUS.length), d)
    else if (of[d.type]) of[d.type].push(d)
  }
  const track = (type) => of[type].map((d) => tracked(d, statuses)).sort(byTime)
  const returns = track('repair_loaner_return')
  const loaners = track('repair_loaner_lend').map((x) => {
    const mine = returns.filter((r) => r.doc.loaner_id === x.id)
    return {
      ...x, orderId: x.doc.order_id, serial: x.doc.serial, dueDate: x.doc.due_date, deposit: x.doc.deposit || '0', number: x.numbers.repair_loaner || null,
      returned: mine.findLast((r) => r.sync !== 'rejected') || null, refusedReturns: mine.filter((r) => r.sync === 'rejected'),
    }
  })
  // Returns of slips lent elsewhere (through the API, another tablet's event not here).
  const foreignReturns = returns.filter((r) => !loaners.some((l) => l.id === r.doc.loaner_id))
  const refunds = track('repair_refund').map((x) => ({ ...x, orderId: x.doc.order_id, amount: x.doc.amount, reason: x.doc.reason }))
  const devices = track('repair_batch_device')
  const closes = track('repair_batch_close')
  const pickups = track('repair_batch_pickup')
  const batchEvents = (list, id) => list.filter((x) => x.doc.order_id === id)
  const batches = track('repair_batch').map((x) => ({
    ...x, partyId: x.doc.party_id, contactName: x.doc.contact_name || '', contactPhone: x.doc.contact_phone, mode: x.doc.mode || 'A',
    devices: batchEvents(devices, x.id), closes: batchEvents(closes, x.id), pickups: batchEvents(pickups, x.id),
  }))
  // Devices, closes and pickups of batches opened elsewhere (online): kept by batch id.
  const elsewhere = {}
  for (const list of [devices, closes, pickups]) {
    for (const e of list) {
      if (batches.some((b) => b.id === e.doc.order_id)) continue
      elsewhere[e.doc.order_id] ||= { devices: [], closes: [], pickups: [] }
      elsewhere[e.doc.order_id][e.doc.type === 'repair_batch_device' ? 'devices' : e.doc.type === 'repair_batch_close' ? 'closes' : 'pickups'].push(e)
    }
  }
  return { loaners, foreignReturns, refunds, batches, elsewhere }
}

/**
 * The loaner slips of an order: this tablet's and the server's (`server`: GET /api/repair/loaners
 * items, online), by id; a slip is out until a return that was not refused, here or there.
 */
export function loanersOfOrder(desk, orderId, server = []) {
  const out = new Map()
  for (const s of server) {
    out.set(s.id, { id: s.id, number: s.number, serial: s.serial, dueDate: s.due_date, deposit: s.deposit, sync: 'posted', reasons: [], returned: s.returned_at ? { sync: 'posted', condition: s.return_condition } : null, refusedReturns: [], createdAt: s.created_at || '' })
  }
  for (const l of desk.loaners.filter((x) => x.orderId === orderId)) {
    const srv = out.get(l.id)
    out.set(l.id, { ...l, number: l.number || srv?.number || null, returned: srv?.returned || l.returned })
  }
  for (const r of desk.foreignReturns.filter((x) => x.doc.order_id === orderId)) {
    const slip = out.get(r.doc.loaner_id)
    if (!slip) continue
    if (r.sync === 'rejected') slip.refusedReturns = [...(slip.refusedReturns || []), r]
    else if (!slip.returned) slip.returned = r
  }
  return [...out.values()].sort(byTime)
}

/** Serials this tablet knows to be lent and not back (a second lending of one is refused). */
export function serialsOut(desk) {
  return desk.loaners.filter((l) => l.sync !== 'rejected' && !l.returned).map((l) => l.serial)
}

const READY = new Set(['pending_pickup', 'completed', 'followed_up', 'audited'])

/**
 * A batch as the desk shows it: the server's answer (`server`, GET /api/repair/batches/<id>, online
 * or kept from then) with what this tablet did that the answer does not show yet. `local`: the
 * batch of projectDesk (opened here) or `elsewhere[id]`. Actions follow the server's rules:
 * scan while the intake is open, close with at least one device, pickup once closed and every
 * device is ready for pickup (QC passed or going back unrepaired) as far as the tablet knows.
 */
export function batchView(id, local, server) {
  const opened = local?.doc ? local : null
  const live = (list) => (list || []).filter((x) => x.sync !== 'rejected')
  const serverLines = (server?.lines || []).map((l) => ({ id: l.id, line: l.line, number: l.number, imei: l.imei, state: l.state, billTotal: l.bill_total, sync: 'posted', reasons: [] }))
  const known = new Set(serverLines.map((l) => l.id))
  const localLines = (local?.devices || []).filter((d) => !known.has(d.id)).map((d) => ({
    id: d.id, line: null, number: d.numbers.repair_order || null, imei: d.doc.imei, state: null, billTotal: null, sync: d.sync, reasons: d.reasons, doc: d.doc,
  }))
  const lines = [...serverLines, ...localLines]
  const closeDoc = live(local?.closes).at(-1) || null
  const pickupDoc = live(local?.pickups).at(-1) || null
  const closed = server?.status === 'posted' || !!closeDoc
  const pickedUp = !!server?.picked_up_at || !!pickupDoc
  const counted = lines.filter((l) => l.sync !== 'rejected')
  const notReady = counted.filter((l) => !READY.has(l.state))
  const actions = []
  let pickupBlocked = null
  if (!closed) {
    actions.push('add_device')
    if (counted.length) actions.push('close')
  } else if (!pickedUp) {
    if (!server) pickupBlocked = { code: 'unknown' }
    else if (notReady.length) pickupBlocked = { code: notReady.some((l) => !l.state) ? 'unknown' : 'notReady', lines: notReady.map((l) => l.number || l.imei) }
    else actions.push('pickup')
  }
  const sync = opened ? (opened.sync === 'rejected' ? 'rejected' : [opened, ...live(local.devices), closeDoc, pickupDoc].filter(Boolean).some((x) => x.sync !== 'posted') ? 'pending' : 'posted')
    : [...live(local?.devices), closeDoc, pickupDoc].filter(Boolean).some((x) => x.sync !== 'posted') ? 'pending' : 'posted'
  return {
    id,
    number: server?.number || closeDoc?.numbers.repair_batch || null,
    partyId: server?.party_id || opened?.partyId || null,
    contactName: server?.contact_name ?? opened?.contactName ?? '',
    contactPhone: server?.contact_phone || opened?.contactPhone || '',
    mode: server?.mode || opened?.mode || 'A',
    billTotal: server?.picked_up_at ? server.bill_total : serverLines.reduce((s, l) => s + Number(l.billTotal || 0), 0).toFixed(2),
    closed, pickedUp, lines, actions, pickupBlocked, sync,
    rejected: opened?.sync === 'rejected' ? opened.reasons : null,
    refused: [...(local?.closes || []), ...(local?.pickups || [])].filter((x) => x.sync === 'rejected'),
    closeSync: closeDoc?.sync || (server?.status === 'posted' ? 'posted' : null),
    pickupSync: pickupDoc?.sync || (server?.picked_up_at ? 'posted' : null),
  }
}
