// Local queries of the counter: repair orders from the service point database, master data
// from the master database (models by TAC, accessories, fault symptoms, repair levels and
// methods) and the point's own records (md:engineers), the counter's money accounts and the
// server snapshots of orders, all read offline. Writes go through the sync engine (events).
import { engine, MASTER_DB } from '../sync/index.js'
import { projectOrders } from '../repair/orders.js'

const SNAPSHOTS = '_local/aftercare_order_snapshots'
const ACCOUNTS = '_local/aftercare_counter_accounts'
const MAX_SNAPSHOTS = 500

function dbOrNull(name) {
  try {
    return engine.db(name)
  } catch {
    return null
  }
}

async function prefix(db, p) {
  if (!db) return []
  const res = await db.allDocs({ include_docs: true, startkey: p, endkey: `${p}\uffff` })
  return res.rows.map((r) => r.doc)
}

async function readLocal(db, id, fallback) {
  try {
    return await db.get(id)
  } catch (e) {
    if (e.status === 404) return { _id: id, ...fallback }
    throw e
  }
}

/** Every order of the point as the counter sees it (newest first). */
export async function listOrders(dbName) {
  const db = engine.db(dbName)
  const res = await db.allDocs({ include_docs: true })
  const snaps = await readLocal(db, SNAPSHOTS, { orders: {} })
  return projectOrders(res.rows.map((r) => r.doc), snaps.orders)
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

/** Master data the counter needs, read once per call (small: the network's vocabulary). */
export async function masterData(dbName) {
  const master = dbOrNull(MASTER_DB)
  const [tacs, models, accessories, symptoms, levels, methods, brands] = await Promise.all(
    ['tacs:', 'models:', 'accessories:', 'fault-symptoms:', 'repair-levels:', 'repair-methods:', 'brands:'].map((p) => prefix(master, p)),
  )
  const engineers = await prefix(dbOrNull(dbName), 'md:engineers:')
  const active = (x) => x.active !== false
  return {
    tacs: Object.fromEntries(tacs.map((t) => [t.code, t.model_id])),
    models: Object.fromEntries(models.map((m) => [m.id, m])),
    modelList: models.filter(active).sort((a, b) => a.name.localeCompare(b.name)),
    brands: Object.fromEntries(brands.map((b) => [b.id, b])),
    accessories: accessories.filter(active),
    symptoms: symptoms.filter(active).sort((a, b) => a.code.localeCompare(b.code)),
    levels: levels.filter(active),
    methods: methods.filter(active),
    engineers: engineers.filter(active),
  }
}

export function accessoriesFor(md, modelId) {
  return md.accessories.filter((a) => a.model_id === modelId).sort((a, b) => (a.sort_order || 0) - (b.sort_order || 0) || a.code.localeCompare(b.code))
}

export function symptomsFor(md, modelId) {
  return md.symptoms.filter((s) => !s.model_ids?.length || s.model_ids.includes(modelId))
}

/** Call `fn` whenever the point's database changes (new events, status documents arriving). */
export function watch(dbName, fn) {
  const db = dbOrNull(dbName)
  if (!db) return () => {}
  // The database may close under a live feed (logout, leaving a switched user): its error then
  // ends the watch quietly instead of escaping as an unhandled error.
  const feed = db.changes({ live: true, since: 'now' }).on('change', () => fn()).on('error', () => {})
  feed.catch?.(() => {})
  return () => feed.cancel()
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
