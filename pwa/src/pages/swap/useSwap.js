// What the swap screens share: this tablet's swap events in the point database (projected by
// swap/events.js, current as status documents arrive), writing one there (local first, posted by
// the worker when online), the parties and accessory items from master data (offline), and the
// server's last swap history, kept so a return can be made offline.
import { computed, onBeforeUnmount, shallowRef } from 'vue'
import { useSessionStore } from '../../stores/session.js'
import { useSyncStore } from '../../stores/sync.js'
import { pointDocs, watch as watchDb } from '../../db/repair.js'
import { live } from '../../db/live.js'
import { dbOrNull, readLocal } from '../../db/local.js'
import { hasPointDatabase, MASTER_DB } from '../../sync/index.js'
import { projectSwap } from '../../swap/events.js'
import { api } from '../../api/index.js'
import { swapApi } from './api.js'

const HISTORY = '_local/aftercare_swap_history'
// Accessories and parts (batteries are a model's parts): what the server takes in (server/swap/operations.py
// ITEM_KINDS). Master data carries an item's own kind as record_kind (`kind` names the master kind).
const ITEM_KINDS = ['accessory', 'part']

async function master(prefix, online, fallback) {
  const db = dbOrNull(MASTER_DB)
  let rows = []
  if (db) {
    const copy = live(db, `master:${prefix}`, { prefixes: [`${prefix}:`] })
    await copy.settled()
    rows = copy.values()
  }
  if (!rows.length && online) rows = (await fallback()).items
  return rows.filter((r) => r.active !== false)
}

export function useSwap() {
  const session = useSessionStore()
  const sync = useSyncStore()
  const swap = shallowRef(projectSwap([]))
  const parties = shallowRef([])
  const items = shallowRef([])
  const hasPointDb = computed(() => !!hasPointDatabase(session.organisation))
  const online = computed(() => sync.online)
  let stop = null

  async function refresh() {
    const db = sync.pointDb
    if (!db) return
    const copy = pointDocs(db)
    await copy.settled()
    swap.value = projectSwap(copy.values())
  }

  async function start() {
    const loads = [
      master('parties', online.value, () => api.get('/api/parties', { page_size: 200 })).then((r) => { parties.value = r }).catch(() => {}),
      master('items', online.value, () => api.get('/api/items', { page_size: 200, kind: 'accessory' })).then((r) => { items.value = r.filter((i) => ITEM_KINDS.includes(i.record_kind || i.kind)) }).catch(() => {}),
    ]
    if (hasPointDb.value) {
      const db = await sync.whenOpen()
      await refresh()
      stop?.()
      stop = watchDb(db, () => refresh().catch(() => {}))
    }
    await Promise.all(loads)
  }
  onBeforeUnmount(() => stop?.())

  const ctx = () => ({ org: session.user?.org_id, userId: session.user?.id, deviceId: sync.device })

  async function write(doc) {
    await sync.writeEvent(doc)
    await refresh()
    return doc
  }

  const byRole = (role) => parties.value.filter((p) => (p.roles || []).includes(role)).sort((a, b) => String(a.code).localeCompare(String(b.code)))
  const distributors = computed(() => parties.value.filter((p) => (p.roles || []).some((r) => r === 'distributor' || r === 'dealer')).sort((a, b) => String(a.code).localeCompare(String(b.code))))
  const makers = computed(() => byRole('manufacturer'))
  const partyName = (id) => parties.value.find((p) => p.id === id)?.name || ''
  const item = (id) => items.value.find((i) => i.id === id) || null

  /** The server's swap history (online), kept on this tablet; offline the last one kept. */
  async function history(query = {}) {
    const db = dbOrNull(sync.pointDb)
    if (online.value) {
      try {
        const rows = (await swapApi.history(query)).items
        if (db && !Object.keys(query).length) await keep(db, rows)
        return { rows, kept: false }
      } catch (e) {
        if (!e.isNetwork) throw e
      }
    }
    const kept = db ? await readLocal(db, HISTORY, { rows: [] }) : { rows: [] }
    return { rows: kept.rows || [], kept: true, keptAt: kept.keptAt || null }
  }

  async function keep(db, rows) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await readLocal(db, HISTORY, { rows: [] })
      try {
        await db.put({ ...doc, rows, keptAt: new Date().toISOString() })
        return
      } catch (e) {
        if (e.status !== 409) throw e
      }
    }
  }

  return { swap, hasPointDb, online, start, refresh, ctx, write, parties, items, distributors, makers, partyName, item, history }
}
