// What the exchange screens share: the point database's exchange documents projected
// (exchange/orders.js, current as status documents arrive), writing an event there (local first,
// posted by the worker when online), the server's answer for an order kept on the tablet for
// offline use, the brands' 三包 rules kept the same way (the offline verdict uses them), and the
// REST calls of the steps that are online only (the loaner slip is lent and given back by events, offline too).
import { computed, onBeforeUnmount, shallowRef } from 'vue'
import { api } from '../../api/index.js'
import { useSessionStore } from '../../stores/session.js'
import { useSyncStore } from '../../stores/sync.js'
import { useRepairStore } from '../../stores/repair.js'
import { pointDocs, watch as watchDb } from '../../db/repair.js'
import { dbOrNull, readLocal } from '../../db/local.js'
import { hasPointDatabase, engine, nextProvisionalCode, photoQueue } from '../../sync/index.js'
import { projectExchanges, snapshotOf } from '../../exchange/orders.js'
import { buildExchangeEvent, buildExchangeIntake, buildExchangeLoanerLend, buildExchangeLoanerReturn } from '../../exchange/events.js'

const SNAPSHOTS = '_local/aftercare_exchange_snapshots'
const RULES = '_local/aftercare_exchange_rules'
const MAX_SNAPSHOTS = 300
const enc = encodeURIComponent

export const exchangeApi = {
  order: (id) => api.get(`/api/exchange/orders/${enc(id)}`),
  list: (query) => api.get('/api/exchange/orders', { page_size: 50, ...query }),
  eligibility: (body) => api.post('/api/exchange/eligibility', body),
  rules: () => api.get('/api/exchange/rules'),
  fire: (id, event, body) => api.post(`/api/exchange/orders/${enc(id)}/${event.replace(/_/g, '-')}`, body),
  reverse: (id, reason) => api.post(`/api/exchange/orders/${enc(id)}/reverse`, { reason }),
}

async function update(db, id, fn) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await readLocal(db, id, {})
    try {
      await db.put({ ...doc, ...fn(doc) })
      return
    } catch (e) {
      if (e.status !== 409) throw e
    }
  }
}

export function useExchange() {
  const session = useSessionStore()
  const sync = useSyncStore()
  const repair = useRepairStore()
  const orders = shallowRef([])
  const loaded = shallowRef(false)
  const hasPointDb = computed(() => !!hasPointDatabase(session.organisation))
  const online = computed(() => sync.online)
  let stop = null

  async function refresh() {
    const db = sync.pointDb
    if (!db) return
    const copy = pointDocs(db)
    await copy.settled()
    const snaps = await readLocal(copy.db, SNAPSHOTS, { orders: {} })
    orders.value = projectExchanges(copy.values(), snaps.orders || {})
    loaded.value = true
  }

  async function start() {
    if (!hasPointDb.value) return
    const db = await sync.whenOpen()
    await refresh()
    stop?.()
    stop = watchDb(db, () => refresh().catch(() => {}))
    repair.fetchAccounts().catch(() => {})
  }
  onBeforeUnmount(() => stop?.())

  const ctx = () => ({ org: session.user?.org_id, userId: session.user?.id, deviceId: sync.device })

  async function saveIntake(form) {
    const db = await sync.whenOpen()
    const provisionalCode = await nextProvisionalCode(engine.db(db), sync.device)
    const doc = buildExchangeIntake({ ...form, provisionalCode }, ctx())
    // As repair's intake: the photos are named for the order and go up before the event (the
    // server refuses an intake naming a photo it has not received; the sync store holds the push).
    await photoQueue.attach(doc.photos || [], doc._id)
    await sync.drainPhotos().catch(() => {})
    await sync.writeEvent(doc)
    sync.drainPhotos().catch(() => {})
    await refresh()
    return doc
  }

  async function saveEvent(orderId, event, data) {
    const doc = buildExchangeEvent(orderId, event, data, ctx())
    await sync.writeEvent(doc)
    await refresh()
    return doc
  }

  /** 换机备机单 lent (form: serial, dueDate, deposit, accountId, note) or a slip given back: events in the point database, as the other counter steps. */
  async function saveLoanerLend(orderId, form) {
    const doc = buildExchangeLoanerLend(orderId, form, ctx())
    await sync.writeEvent(doc)
    await refresh()
    return doc
  }

  async function saveLoanerReturn(orderId, loanerId, form) {
    const doc = buildExchangeLoanerReturn(orderId, loanerId, form, ctx())
    await sync.writeEvent(doc)
    await refresh()
    return doc
  }

  /** The server's answer for an order (online), kept for offline use; null offline. */
  async function fetchOrder(id) {
    if (!online.value) return null
    let detail
    try {
      detail = await exchangeApi.order(id)
    } catch (e) {
      // Not posted yet (the intake waits on this tablet or in the worker's queue): the tablet's view stands.
      if (e.isNetwork || e.status === 404) return null
      throw e
    }
    await keep(detail)
    return detail
  }

  async function keep(detail) {
    const db = dbOrNull(sync.pointDb)
    if (!db) return
    await update(db, SNAPSHOTS, (doc) => {
      const all = { ...(doc.orders || {}), [detail.order.id]: snapshotOf(detail) }
      const ids = Object.keys(all).sort((a, b) => (all[a].fetchedAt < all[b].fetchedAt ? -1 : 1))
      for (const id of ids.slice(0, Math.max(0, ids.length - MAX_SNAPSHOTS))) delete all[id]
      return { orders: all }
    })
    await refresh()
  }

  /** An online step through REST (dispatch, receive, convert …); the answer is kept. */
  async function fireOnline(id, event, body) {
    const detail = await exchangeApi.fire(id, event, body)
    await keep(detail)
    return detail
  }

  /** 红冲 of the last step in force (online; the server says whether it may: may_reverse). */
  async function reverseOnline(id, reason) {
    const detail = await exchangeApi.reverse(id, reason)
    await keep(detail)
    return detail
  }

  /** The brands' rules: the server's (online, kept), else the last kept; [] when never seen. */
  async function rules() {
    const db = dbOrNull(sync.pointDb)
    if (online.value) {
      try {
        const rows = await exchangeApi.rules()
        if (db) await update(db, RULES, () => ({ rows, keptAt: new Date().toISOString() }))
        return rows
      } catch (e) {
        if (!e.isNetwork) console.warn('aftercare: exchange rules', e)
      }
    }
    return db ? (await readLocal(db, RULES, { rows: [] })).rows || [] : []
  }

  const find = (id) => orders.value.find((o) => o.id === id) || null

  return { orders, loaded, hasPointDb, online, start, refresh, saveIntake, saveEvent, saveLoanerLend, saveLoanerReturn, fetchOrder, fireOnline, reverseOnline, rules, find, ctx, accounts: computed(() => repair.accounts) }
}
