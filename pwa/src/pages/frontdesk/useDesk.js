// What the desk screens share: the point database's desk documents (projected by repair/desk.js,
// current as status documents arrive), writing an event there (local first, posted by the worker
// when the tablet is online), finding an order on this tablet before asking the server, the
// counter's money accounts and the distributors from master data (both kept for offline use),
// and the server's last answer for a batch, kept so the batch opens offline.
import { computed, onBeforeUnmount, shallowRef } from 'vue'
import { useSessionStore } from '../../stores/session.js'
import { useSyncStore } from '../../stores/sync.js'
import { useRepairStore } from '../../stores/repair.js'
import { pointDocs, watch as watchDb } from '../../db/repair.js'
import { live } from '../../db/live.js'
import { dbOrNull, readLocal } from '../../db/local.js'
import { hasPointDatabase, MASTER_DB } from '../../sync/index.js'
import { filterOrders } from '../../repair/orders.js'
import { projectDesk } from '../../repair/desk.js'
import { frontdeskApi } from './api.js'

const BATCHES = '_local/aftercare_batch_snapshots'
const MAX_BATCHES = 100

/** An order as the desk needs it, from the counter's projection or the server's answer. */
export function deskOrder(o, source, extra = {}) {
  if (source === 'local') {
    return { id: o.id, number: o.number || o.provisionalCode, customerName: o.customerName, customerPhone: o.customerPhone, imei: o.imei, state: o.state, sync: o.sync, batch: false, source, ...extra }
  }
  return { id: o.id, number: o.number, customerName: o.customer_name, customerPhone: o.customer_phone, imei: o.imei, state: o.state, sync: 'posted', batch: !!o.batch_id, held: o.deposit_held ?? null, source, ...extra }
}

export function useDesk() {
  const session = useSessionStore()
  const sync = useSyncStore()
  const repair = useRepairStore()
  const desk = shallowRef(projectDesk([]))
  // Users without a service point database (headquarters) have no counter: the desk is a point's.
  const hasPointDb = computed(() => !!hasPointDatabase(session.organisation))
  const online = computed(() => sync.online)
  let stop = null

  async function refresh() {
    const db = sync.pointDb
    if (!db) return
    const copy = pointDocs(db)
    await copy.settled()
    desk.value = projectDesk(copy.values())
  }

  async function start() {
    if (!hasPointDb.value) return
    const db = await sync.whenOpen()
    await refresh()
    stop?.()
    stop = watchDb(db, () => refresh().catch(() => {}))
    await repair.refresh().catch(() => {})
    repair.loadMaster().catch(() => {})
    repair.fetchAccounts().catch(() => {})
  }
  onBeforeUnmount(() => stop?.())

  const ctx = () => ({ org: session.user?.org_id, userId: session.user?.id, deviceId: sync.device })

  async function write(doc) {
    await sync.writeEvent(doc)
    await refresh()
    return doc
  }

  /** The orders on this tablet matching `q` (number, provisional code, IMEI, phone); refused intakes left out. */
  function localOrders(q) {
    const needle = String(q || '').trim()
    if (!needle) return []
    const found = filterOrders(repair.orders, { q: needle }).filter((o) => o.state)
    const exact = found.filter((o) => [o.number, o.provisionalCode, o.imei, o.customerPhone].includes(needle))
    return exact.length ? exact : found
  }

  /** The deposit held on an order as far as this tablet knows: the server's last answer, else the intake's own deposit while it is not posted. */
  async function heldOn(order) {
    if (order.held !== undefined && order.held !== null) return order.held
    const snap = await repair.snapshot(order.id).catch(() => null)
    if (snap?.depositHeld !== undefined && snap?.depositHeld !== null) return snap.depositHeld
    const local = repair.find(order.id)
    if (local && local.sync !== 'posted') return local.intake.deposit?.amount || '0'
    return null
  }

  /** Distributors and dealers: master data on the tablet (offline), else the server. */
  async function distributors() {
    const master = dbOrNull(MASTER_DB)
    let parties = []
    if (master) {
      const copy = live(master, 'master:parties', { prefixes: ['parties:'] })
      await copy.settled()
      parties = copy.values()
    }
    if (!parties.length && online.value) parties = (await frontdeskApi.parties()).items
    return parties.filter((p) => p.active !== false && (p.roles || []).some((r) => r === 'distributor' || r === 'dealer'))
      .sort((a, b) => String(a.code).localeCompare(String(b.code)))
  }

  async function keepBatch(answer) {
    const db = dbOrNull(sync.pointDb)
    if (!db || !answer?.id) return
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await readLocal(db, BATCHES, { batches: {} })
      const batches = { ...(doc.batches || {}) }
      const { batch: _omit, orders: _o, ...flat } = answer
      batches[answer.id] = { ...flat, keptAt: new Date().toISOString() }
      const ids = Object.keys(batches).sort((a, b) => (batches[a].keptAt < batches[b].keptAt ? -1 : 1))
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_BATCHES))) delete batches[id]
      try {
        await db.put({ ...doc, batches })
        return
      } catch (e) {
        if (e.status !== 409) throw e
      }
    }
  }

  async function keptBatch(id) {
    const db = dbOrNull(sync.pointDb)
    if (!db) return null
    return (await readLocal(db, BATCHES, { batches: {} })).batches?.[id] || null
  }

  async function keptBatches() {
    const db = dbOrNull(sync.pointDb)
    if (!db) return []
    return Object.values((await readLocal(db, BATCHES, { batches: {} })).batches || {})
  }

  return { desk, hasPointDb, online, start, refresh, ctx, write, localOrders, heldOn, distributors, keepBatch, keptBatch, keptBatches, accounts: computed(() => repair.accounts) }
}
