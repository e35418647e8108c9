// Local data of the workshop: its event documents (requisitions, parts fitted, handovers, packing
// lists and their check-in) with their status documents, read once and then followed on the
// changes feed; master data it needs besides the counter's (parts, manufacturers, the point's
// warehouses); the boxes being packed (drafts, local only) and the point's users for handovers
// (from the server when online, kept for offline use). Writes of events go through the sync engine.
import { engine, MASTER_DB } from '../sync/index.js'
import { isWorkshopDoc } from '../workshop/docs.js'
import { pointDocs } from './repair.js'
import { live } from './live.js'
import { dbOrNull, readLocal } from './local.js'

export { WORKSHOP_TYPES, isWorkshopDoc } from '../workshop/docs.js'

const DRAFTS = '_local/aftercare_packing_drafts'
const USERS = '_local/aftercare_handover_users'

/** The workshop's documents of the point's database (from the shared in-memory copy). */
export async function readWorkshopDocs(dbName) {
  if (!dbOrNull(dbName)) return []
  const copy = pointDocs(dbName)
  await copy.settled()
  return copy.values().filter(isWorkshopDoc)
}

/** Follow the point's database: `fn(doc)` for every workshop document written or arriving. */
export function watchWorkshop(dbName, fn) {
  if (!dbOrNull(dbName)) return () => {}
  return pointDocs(dbName).listen((version, changed) => {
    for (const doc of changed) if (isWorkshopDoc(doc)) fn(doc)
  })
}

async function prefix(db, key, p) {
  if (!db) return []
  const copy = live(db, key, { prefixes: [p] })
  await copy.settled()
  return copy.values()
}

/** Parts (items), manufacturers and the point's warehouses, from the local copies. */
export async function workshopMaster(dbName) {
  const master = dbOrNull(MASTER_DB)
  const [items, parties, warehouses] = await Promise.all([
    prefix(master, 'master:items', 'items:'), prefix(master, 'master:parties', 'parties:'),
    prefix(dbOrNull(dbName), `warehouses:${dbName}`, 'md:warehouses:'),
  ])
  const active = (x) => x.active !== false
  // `kind` of a master document names its kind of data; the record's own kind is `record_kind`.
  const own = (x) => ({ ...x, kind: x.record_kind ?? x.kind })
  return {
    items: items.map(own).filter((i) => active(i) && ['part', 'mainboard', 'accessory'].includes(i.kind)),
    manufacturers: parties.filter((p) => active(p) && (p.roles || []).includes('manufacturer')).sort((a, b) => a.code.localeCompare(b.code)),
    warehouses: warehouses.map(own).filter(active).sort((a, b) => a.code.localeCompare(b.code)),
  }
}

export async function packingDrafts(dbName) {
  const db = dbOrNull(dbName)
  if (!db) return []
  return (await readLocal(db, DRAFTS, { drafts: [] })).drafts || []
}

/** Replace the drafts (boxes being packed on this device), retrying on a concurrent write. */
export async function savePackingDrafts(dbName, change) {
  const db = engine.db(dbName)
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await readLocal(db, DRAFTS, { drafts: [] })
    const drafts = change(doc.drafts || [])
    try {
      await db.put({ ...doc, drafts })
      return drafts
    } catch (e) {
      if (e.status !== 409) throw e
    }
  }
  throw new Error('packing drafts: too many concurrent writes')
}

export async function handoverUsers(dbName) {
  const db = dbOrNull(dbName)
  if (!db) return []
  return (await readLocal(db, USERS, { users: [] })).users || []
}

export async function saveHandoverUsers(dbName, users) {
  const db = engine.db(dbName)
  const doc = await readLocal(db, USERS, {})
  await db.put({ ...doc, users, fetchedAt: new Date().toISOString() })
}
