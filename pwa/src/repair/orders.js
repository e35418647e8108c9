// The counter's view of repair orders, made from what the local database holds: the intake
// and state-machine events written on devices of this point, the server's status documents
// (status:<event id>: posted with the number, rejected with reasons, or waiting), and the
// last answer of GET /api/repair/orders/<id> seen online (a snapshot: the server's own state
// and facts, which also covers moves made elsewhere through the API). Pure, unit-tested.
import { DEFAULT_FACTS, factsAfter, stateAfter, MACHINE } from './machine.js'

const STATUS = 'status:'

function sortByTime(a, b) {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a._id < b._id ? -1 : 1
}

/**
 * Orders from the documents of a service point database.
 * @param {object[]} docs      every document (events, status:*, anything else is ignored)
 * @param {object} [snapshots] order id → {state, facts, number, fetchedAt} (server answers seen online)
 * @returns {object[]} newest first
 */
export function projectOrders(docs, snapshots = {}, machine = MACHINE) {
  const statuses = new Map()
  const intakes = []
  const eventsByOrder = new Map()
  for (const d of docs) {
    if (!d || typeof d._id !== 'string') continue
    if (d._id.startsWith(STATUS)) statuses.set(d._id.slice(STATUS.length), d)
    else if (d.type === 'repair_intake') intakes.push(d)
    else if ((d.type === 'repair_event' || d.type === 'repair_quotation' || d.type === 'repair_quotation_decision') && d.order_id) {
      if (!eventsByOrder.has(d.order_id)) eventsByOrder.set(d.order_id, [])
      eventsByOrder.get(d.order_id).push(d)
    }
  }
  const orders = intakes.map((intake) => orderFrom(intake, eventsByOrder.get(intake._id) || [], statuses, snapshots[intake._id], machine))
  return orders.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

function syncStateOf(status) {
  if (!status) return 'pending'
  return status.state === 'posted' ? 'posted' : status.state === 'rejected' ? 'rejected' : 'waiting'
}

export function orderFrom(intake, eventDocs, statuses, snapshot, machine = MACHINE) {
  const intakeStatus = statuses.get(intake._id)
  // Quotations and decisions are events of the order too (their own documents, same feed).
  const all = [...eventDocs].sort(sortByTime).map((doc) => {
    const status = statuses.get(doc._id)
    const event = doc.type === 'repair_event' ? doc.event : doc.type === 'repair_quotation' ? 'quotation' : doc.accepted ? 'quotation_accepted' : 'quotation_declined'
    return { doc, event, sync: syncStateOf(status), reasons: status?.reasons || [], at: doc.created_at, postedAt: status?.updated_at || null, serverState: status?.numbers?.state || null, userId: doc.user_id }
  })
  const events = all
  const intakeSync = syncStateOf(intakeStatus)
  // The server's word: its answer for the order (snapshot), which names the events it reflects;
  // after it, each posted event's resulting state (status numbers.state), in event order; the
  // events not posted yet move the projection through the machine.
  const reflected = new Set(snapshot?.events || [])
  // Quotations the answer knows (id → status): their events and decided answers are in its facts.
  const known = new Map((snapshot?.quotations || []).map((q) => [q.id, q.status]))
  const inSnapshot = (e) => (e.event === 'quotation' ? known.has(e.doc._id) : e.doc.type === 'repair_quotation_decision' && known.has(e.doc.quotation_id) && known.get(e.doc.quotation_id) !== 'pending')
  let state = snapshot?.state || machine.initial
  let facts = { ...DEFAULT_FACTS, ...(snapshot?.facts || {}) }
  for (const e of events) {
    if (e.sync === 'rejected' || reflected.has(e.doc._id) || inSnapshot(e)) continue
    if (e.doc.type !== 'repair_event') {
      // A quotation makes the order's quotation pending; a decline returns the device unrepaired.
      if (e.event === 'quotation') facts = { ...facts, quotation: 'pending' }
      else if (e.event === 'quotation_accepted') facts = { ...facts, quotation: 'accepted' }
      else {
        facts = { ...facts, quotation: 'declined' }
        state = e.sync === 'posted' && e.serverState ? e.serverState : stateAfter(state, 'return_unrepaired', machine)
        facts = factsAfter(facts, 'return_unrepaired', {})
      }
      continue
    }
    if (e.sync === 'posted' && e.serverState) state = e.serverState
    else state = stateAfter(state, e.event, machine)
    facts = factsAfter(facts, e.event, e.doc)
  }
  if (intakeSync === 'rejected') state = null
  return {
    id: intake._id,
    intake,
    number: intakeStatus?.numbers?.repair_order || snapshot?.number || null,
    sync: intakeSync,
    reasons: intakeStatus?.reasons || [],
    provisionalCode: intake.provisional_code || '',
    imei: intake.imei,
    customerName: intake.customer_name || '',
    customerPhone: intake.customer_phone || intake.member_phone || '',
    memberPhone: intake.member_phone || '',
    modelId: intake.model_id || null,
    createdAt: intake.created_at,
    photos: intake.photos || [],
    // Taken when the device went back: this device's pickup event, else the server's answer.
    pickupPhotos: events.findLast((e) => e.event === 'pickup' && e.sync !== 'rejected')?.doc.photos || snapshot?.pickupPhotos || [],
    // Quotations written on devices of this point (not yet refused), newest last; the server's own are in the snapshot.
    localQuotations: events.filter((e) => e.event === 'quotation' && e.sync !== 'rejected').map((e) => ({ id: e.doc._id, lines: e.doc.lines, note: e.doc.note || '', at: e.at, sync: e.sync, decision: events.find((d) => d.doc.quotation_id === e.doc._id && d.sync !== 'rejected') || null })),
    state,
    facts,
    events,
    pendingEvents: events.filter((e) => e.sync === 'pending' || e.sync === 'waiting').length + (intakeSync === 'pending' ? 1 : 0),
    rejectedEvents: events.filter((e) => e.sync === 'rejected'),
  }
}

/** Orders matching the filter: {state: name|'all'|'pending_sync', q: text}; q matches IMEI, phone, number, provisional code. */
export function filterOrders(orders, { state = 'all', q = '' } = {}) {
  const needle = String(q || '').trim().toLowerCase()
  return orders.filter((o) => {
    if (state === 'pending_sync') {
      if (o.sync === 'posted' && !o.pendingEvents) return false
    } else if (state !== 'all' && o.state !== state) return false
    if (!needle) return true
    return [o.imei, o.customerPhone, o.memberPhone, o.number, o.provisionalCode, o.customerName]
      .some((v) => v && String(v).toLowerCase().includes(needle))
  })
}

/** Counts per state (for the filter chips). */
export function countByState(orders) {
  const out = { all: orders.length, pending_sync: 0 }
  for (const o of orders) {
    if (o.state) out[o.state] = (out[o.state] || 0) + 1
    if (o.sync !== 'posted' || o.pendingEvents) out.pending_sync++
  }
  return out
}
