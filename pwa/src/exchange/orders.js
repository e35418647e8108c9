// The counter's view of exchange orders, made from what the point's database holds: the intakes and
// machine events written on this point's tablets, the server's status documents (status:<event id>:
// posted with the HJ number and the state it led to, or refused with reasons) and the last server
// answer of GET /api/exchange/orders/<id> seen online (kept on the tablet: state, facts, steps with
// who and when, and the sync events they reflect — ids, not clocks). Events not posted yet move the
// order through the machine; refused ones do not. Pure, unit-tested.
import { DEFAULT_FACTS, EXCHANGE, factsAfter, stateAfter } from './machine.js'
import { tokenTarget } from '../print/token.js'

const STATUS = 'status:'
const byTime = (a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a._id < b._id ? -1 : 1)

function syncOf(status) {
  if (!status) return 'pending'
  return status.state === 'posted' ? 'posted' : status.state === 'rejected' ? 'rejected' : 'waiting'
}

/** Every exchange order of the point's documents (newest first); `snapshots`: id → the kept server answer (see snapshotOf). */
export function projectExchanges(docs, snapshots = {}) {
  const statuses = new Map()
  const intakes = []
  const events = new Map()
  const loanerDocs = new Map()
  const add = (map, key, d) => {
    if (!map.has(key)) map.set(key, [])
    map.get(key).push(d)
  }
  for (const d of docs) {
    if (!d || typeof d._id !== 'string') continue
    if (d._id.startsWith(STATUS)) statuses.set(d._id.slice(STATUS.length), d)
    else if (d.type === 'exchange_intake') intakes.push(d)
    else if (d.type === 'exchange_event' && d.order_id) add(events, d.order_id, d)
    else if (LOANER_TYPES.includes(d.type) && d.order_id) add(loanerDocs, d.order_id, d)
  }
  const local = intakes.map((i) => exchangeFrom(i, events.get(i._id) || [], statuses, snapshots[i._id], i._id, loanerDocs.get(i._id)))
  // Orders this tablet did not take in but has seen online (another tablet's, or taken in through REST).
  const seen = new Set(local.map((o) => o.id))
  const remote = Object.entries(snapshots).filter(([id]) => !seen.has(id)).map(([id, s]) => exchangeFrom(null, events.get(id) || [], statuses, s, id, loanerDocs.get(id)))
  return [...local, ...remote].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

const LOANER_TYPES = ['exchange_loaner_lend', 'exchange_loaner_return']

/**
 * The order's loaner slips (换机备机单): the server's (from the kept answer) and this tablet's lend
 * and return events by slip id, each with its sync state and the server's reasons when refused. A
 * slip is out from a lend that was not refused until a return that was not refused, here or there.
 */
export function loanersOf(snapshotLoaners, docs, statuses) {
  const out = new Map()
  for (const l of snapshotLoaners || []) out.set(l.id, { ...l, sync: 'posted', reasons: [], returnSync: l.returned_at ? 'posted' : null, returnReasons: [] })
  const sorted = [...docs].sort(byTime)
  for (const d of sorted.filter((x) => x.type === 'exchange_loaner_lend')) {
    const status = statuses.get(d._id)
    const server = out.get(d._id)
    out.set(d._id, {
      id: d._id, number: status?.numbers?.repair_loaner || server?.number || null, serial: d.serial, due_date: d.due_date,
      returned_at: server?.returned_at || null, sync: server ? 'posted' : syncOf(status), reasons: status?.reasons || [],
      returnSync: server?.returnSync || null, returnReasons: [],
    })
  }
  for (const r of sorted.filter((x) => x.type === 'exchange_loaner_return')) {
    const slip = out.get(r.loaner_id)
    if (!slip) continue
    const status = statuses.get(r._id)
    const sync = syncOf(status)
    if (sync === 'rejected') slip.returnReasons = status?.reasons || []
    else if (!slip.returned_at || slip.returnSync !== 'posted') Object.assign(slip, { returned_at: slip.returned_at || r.created_at, returnSync: sync, returnReasons: [] })
  }
  return [...out.values()].map((l) => ({ ...l, out: l.sync !== 'rejected' && !l.returned_at }))
}

export function exchangeFrom(intake, eventDocs, statuses, snapshot, id = intake?._id, loanerDocs = []) {
  const intakeStatus = intake ? statuses.get(intake._id) : null
  const intakeSync = intake ? syncOf(intakeStatus) : 'posted'
  const reflected = new Set(snapshot?.events || [])
  const events = [...eventDocs].sort(byTime).map((doc) => {
    const status = statuses.get(doc._id)
    return { doc, event: doc.event, sync: syncOf(status), reasons: status?.reasons || [], at: doc.created_at, serverState: status?.numbers?.state || null, userId: doc.user_id }
  })
  let state = snapshot?.state || EXCHANGE.initial
  let facts = { ...DEFAULT_FACTS, mode: intake?.mode || snapshot?.facts?.mode || 'A', ...(snapshot?.facts || {}) }
  for (const e of events) {
    if (e.sync === 'rejected' || reflected.has(e.doc._id)) continue
    state = e.sync === 'posted' && e.serverState ? e.serverState : stateAfter(state, e.event, facts)
    facts = factsAfter(facts, e.event)
  }
  const src = intake || {}
  const o = snapshot?.order || {}
  const loaners = loanersOf(snapshot?.loaners, loanerDocs, statuses)
  return {
    id,
    intake,
    number: intakeStatus?.numbers?.exchange_order || snapshot?.number || null,
    sync: intakeSync,
    reasons: intakeStatus?.reasons || [],
    provisionalCode: src.provisional_code || o.provisional_code || '',
    imei: src.imei || o.imei || '',
    replacementImei: events.findLast((e) => e.sync !== 'rejected' && e.doc.replacement_imei && e.event !== 'receive_replacement')?.doc.replacement_imei || o.replacement_imei || '',
    factoryImei: o.factory_imei || '',
    customerName: src.customer_name || o.customer_name || '',
    customerPhone: src.customer_phone || src.member_phone || o.customer_phone || '',
    modelId: src.model_id || o.model_id || null,
    mode: facts.mode,
    eligibility: o.eligibility || null,
    overrideReason: src.override_reason || o.override_reason || '',
    photos: src.photos || o.photos || [],
    signed: Boolean(src.signature || o.intake_signed),
    // From the last server answer (online only): may the last step be reversed.
    mayReverse: Boolean(snapshot?.mayReverse),
    loaners,
    createdAt: src.created_at || o.created_at || '',
    state: intakeSync === 'rejected' ? null : state,
    facts,
    events,
    steps: snapshot?.steps || [],
    links: snapshot?.links || {},
    pendingEvents: events.filter((e) => e.sync === 'pending' || e.sync === 'waiting').length + (intakeSync === 'pending' || intakeSync === 'waiting' ? 1 : 0)
      + loanerDocs.filter((d) => ['pending', 'waiting'].includes(syncOf(statuses.get(d._id)))).length,
    rejectedEvents: events.filter((e) => e.sync === 'rejected'),
  }
}

/** What is kept of a server answer (GET /api/exchange/orders/<id>) for offline use. */
export function snapshotOf(detail, now = new Date()) {
  const o = detail.order
  return {
    state: o.state,
    number: o.number,
    facts: detail.facts,
    allowed: detail.allowed_events,
    order: {
      imei: o.imei, replacement_imei: o.replacement_imei, factory_imei: o.factory_imei, customer_name: o.customer_name,
      customer_phone: o.customer_phone, model_id: o.model_id, eligibility: o.eligibility, override_reason: o.override_reason,
      provisional_code: o.provisional_code, created_at: o.created_at, mode: o.mode, unit_at: o.unit_at, fee: o.fee,
      photos: o.photos || [], intake_signed: Boolean(o.intake_signed),
    },
    mayReverse: Boolean(detail.may_reverse),
    loaners: (detail.loaners || []).map((l) => ({ id: l.id, number: l.number, serial: l.serial, due_date: l.due_date, returned_at: l.returned_at })),
    steps: (detail.steps || []).map((s) => ({ seq: s.seq, event: s.event, at: s.at, username: s.username, source: s.source, reversed: s.reversed_by_seq != null, reverses: s.reverses_seq ?? null })),
    links: detail.links || {},
    events: (detail.steps || []).map((s) => s.event_id).filter(Boolean),
    fetchedAt: now.toISOString(),
  }
}

/** Orders matching {state: name|'all'|'pending_sync', q}; q: number, provisional code, IMEI (old or new), phone, name, or the ticket's E1 code. */
export function filterExchanges(orders, { state = 'all', q = '' } = {}) {
  const needle = String(q || '').trim().toLowerCase()
  // A scanned exchange ticket (E1 code) names one order.
  const scanned = tokenTarget(q)
  if (scanned?.kind === 'exchange_order') return orders.filter((o) => o.id === scanned.id)
  return orders.filter((o) => {
    if (state === 'pending_sync') {
      if (!o.pendingEvents && o.sync === 'posted') return false
    } else if (state !== 'all' && o.state !== state) return false
    if (!needle) return true
    return [o.number, o.provisionalCode, o.imei, o.replacementImei, o.customerPhone, o.customerName].some((v) => v && String(v).toLowerCase().includes(needle))
  })
}
