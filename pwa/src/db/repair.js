// Local queries of the counter: repair orders from the service point database, master data
// from the master database (models by TAC, accessories, fault symptoms, repair levels and
// methods) and the point's own records (md:engineers), the counter's money accounts and the
// server snapshots of orders, all read offline. Writes go through the sync engine (events).
import { engine, MASTER_DB } from '../sync/index.js'
import { projectOrders } from '../repair/orders.js'
import { forget, live, liveCopy } from './live.js'
import { dbOrNull, readLocal } from './local.js'

const SNAPSHOTS = '_local/aftercare_order_snapshots'
const ACCOUNTS = '_local/aftercare_counter_accounts'
const MAX_SNAPSHOTS = 500

const MASTER_PREFIXES = ['models:', 'accessories:', 'fault-symptoms:', 'repair-levels:', 'repair-methods:', 'brands:']

// What this device writes is in its copy at once: a screen refreshed right after a write sees it.
engine.onWrite((name, doc) => liveCopy(`point:${name}`)?.apply(doc))

/** Every document of the point's database, in memory and current (shared by every screen). */
export function pointDocs(dbName) {
  return live(engine.db(dbName), `point:${dbName}`, { persist: 'point' })
}

/** Drop the in-memory copies (logout, leaving a database). */
export { forget }

/** Every order of the point as the counter sees it (newest first). */
export async function listOrders(dbName) {
  const copy = pointDocs(dbName)
  await copy.settled()
  const snaps = await readLocal(copy.db, SNAPSHOTS, { orders: {} })
  return projectOrders(copy.values(), snaps.orders)
}

export async function getOrder(dbName, id) {
  return (await listOrders(dbName)).find((o) => o.id === id) || null
}

/** Keep the server's answer for an order (state, facts, bill, number) for offline use. */
export async function saveSnapshot(dbName, detail, now = new Date()) {
  const db = engine.db(dbName)
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await readLocal(db, SNAPSHOTS, { orders: {} })
    const orders = { ...(doc.orders || {}) }
    orders[detail.order.id] = {
      state: detail.order.state,
      number: detail.order.number,
      facts: detail.facts,
      allowed: detail.allowed_events,
      bill: detail.bill,
      depositHeld: detail.deposit_held,
      photos: detail.order.photos,
      pickupPhotos: detail.order.pickup_photos || [],
      chargeable: !!detail.order.chargeable,
      claimable: !!detail.order.claimable,
      warranty: { rule: detail.order.warranty_rule || '', statusId: detail.order.warranty_status_id || null, saleDate: detail.order.sale_date || null, purchaseDate: detail.order.purchase_date || null },
      mode: detail.order.mode,
      hasPasscode: !!detail.has_passcode,
      // Who did each step and when (the history), the quotations, and the papers' documents (payments).
      transitions: (detail.transitions || []).map((x) => ({ seq: x.seq, event: x.event, at: x.at, name: detail.people?.[x.user_id] || x.username || '', source: x.source, eventId: x.event_id || null, data: x.data || {} })),
      quotations: (detail.quotations || []).map((q) => ({ id: q.id, status: q.status, total: q.total, note: q.note || '', createdAt: q.created_at, decidedAt: q.decided_at, createdBy: detail.people?.[q.created_by_id] || '', decidedBy: detail.people?.[q.decided_by_id] || '', signed: !!q.signed, lines: q.lines || [] })),
      payments: (detail.payments || []).map((x) => ({ id: x.id, kind: x.kind, number: x.number, status: x.status, amount: x.amount, reason: x.reason || '' })),
      handovers: (detail.handovers || []).length,
      // Which events of this device the answer already reflects (ids, not clocks: the
      // device's and the server's clocks need not agree).
      events: (detail.transitions || []).map((x) => x.event_id).filter(Boolean),
      fetchedAt: now.toISOString(),
    }
    const ids = Object.keys(orders)
    if (ids.length > MAX_SNAPSHOTS) {
      ids.sort((a, b) => (orders[a].fetchedAt < orders[b].fetchedAt ? -1 : 1))
      for (const id of ids.slice(0, ids.length - MAX_SNAPSHOTS)) delete orders[id]
    }
    try {
      await db.put({ ...doc, orders })
      return orders[detail.order.id]
    } catch (e) {
      if (e.status !== 409) throw e
    }
  }
  return null
}

export async function getSnapshot(dbName, id) {
  const doc = await readLocal(engine.db(dbName), SNAPSHOTS, { orders: {} })
  return doc.orders?.[id] || null
}

export async function saveCounterAccounts(dbName, accounts) {
  const db = engine.db(dbName)
  const doc = await readLocal(db, ACCOUNTS, {})
  await db.put({ ...doc, accounts })
}

export async function counterAccounts(dbName) {
  const db = dbOrNull(dbName)
  if (!db) return []
  return (await readLocal(db, ACCOUNTS, { accounts: [] })).accounts || []
}

let masterMemo = { parts: [], value: null }

/**
 * Master data the counter needs, from in-memory copies kept current by the feeds; the derived
 * lists are made again only when something changed. The TAC table (the network's biggest) is
 * read only by screens that ask for it (`tacs: true`: intake).
 */
export async function masterData(dbName, { tacs: withTacs = false } = {}) {
  const master = dbOrNull(MASTER_DB)
  const point = dbOrNull(dbName)
  const small = master && live(master, 'master', { prefixes: MASTER_PREFIXES })
  // Once read, the TAC copy stays current for every later call.
  const kept = liveCopy('master:tacs')
  const tacCopy = master && (withTacs || (kept?.db === master && !kept.closed)) ? live(master, 'master:tacs', { prefixes: ['tacs:'], shape: (d) => ({ code: d.code, model_id: d.model_id }), persist: 'tacs' }) : null
  const engineers = point && live(point, `engineers:${dbName}`, { prefixes: ['md:engineers:'] })
  await Promise.all([small?.settled(), tacCopy?.settled(), engineers?.settled()])
  // Made again only when a copy is new or has changed since.
  const parts = [small, small?.version, engineers, engineers?.version, tacCopy, tacCopy?.version]
  if (masterMemo.value && parts.every((p, i) => p === masterMemo.parts[i])) return masterMemo.value
  const of = (prefix) => (small ? small.values(prefix) : [])
  const models = of('models:')
  const active = (x) => x.active !== false
  const value = {
    tacs: tacCopy ? Object.fromEntries(tacCopy.values().map((t) => [t.code, t.model_id])) : {},
    models: Object.fromEntries(models.map((m) => [m.id, m])),
    modelList: models.filter(active).sort((a, b) => a.name.localeCompare(b.name)),
    brands: Object.fromEntries(of('brands:').map((b) => [b.id, b])),
    accessories: of('accessories:').filter(active),
    symptoms: of('fault-symptoms:').filter(active).sort((a, b) => a.code.localeCompare(b.code)),
    levels: of('repair-levels:').filter(active),
    methods: of('repair-methods:').filter(active),
    engineers: (engineers ? engineers.values() : []).filter(active),
  }
  masterMemo = { parts, value }
  return value
}

export function accessoriesFor(md, modelId) {
  return md.accessories.filter((a) => a.model_id === modelId).sort((a, b) => (a.sort_order || 0) - (b.sort_order || 0) || a.code.localeCompare(b.code))
}

export function symptomsFor(md, modelId) {
  return md.symptoms.filter((s) => !s.model_ids?.length || s.model_ids.includes(modelId))
}

/** Call `fn` whenever the point's database changes (new events, status documents arriving), after the in-memory copy has it. */
export function watch(dbName, fn) {
  if (!dbOrNull(dbName)) return () => {}
  return pointDocs(dbName).listen(() => fn())
}

/** The customer's signature drawn at intake, kept on this device for the provisional ticket. */
export async function saveIntakeSignature(dbName, orderId, dataUrl) {
  const db = engine.db(dbName)
  const id = `_local/aftercare_intake_signature_${orderId}`
  const doc = await readLocal(db, id, {})
  await db.put({ ...doc, signature: dataUrl })
}

export async function getIntakeSignature(dbName, orderId) {
  const db = dbOrNull(dbName)
  if (!db) return null
  return (await readLocal(db, `_local/aftercare_intake_signature_${orderId}`, {})).signature || null
}
