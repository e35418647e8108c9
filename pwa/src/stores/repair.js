// The counter's repair orders: read from the local databases (offline), written as events
// through the sync layer; when online, the server's answer for an order is kept as a snapshot
// so its state, bill and facts are there offline too.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { repairApi, blobsApi } from '../api/index.js'
import * as local from '../db/repair.js'
import { engine, nextProvisionalCode, photoQueue } from '../sync/index.js'
import { buildIntake, buildQuotation, buildQuotationDecision, buildRepairEvent } from '../repair/events.js'
import { useSessionStore } from './session.js'
import { useSyncStore } from './sync.js'

export const useRepairStore = defineStore('repair', () => {
  // Replaced whole on every change, never mutated: no deep reactivity over thousands of orders.
  const orders = shallowRef([])
  const loaded = ref(false)
  const master = shallowRef(null)
  const accounts = ref([])
  let unwatch = null
  let watchedDb = null
  let timer = null

  const sync = () => useSyncStore()
  const dbName = () => sync().pointDb

  function context() {
    const session = useSessionStore()
    return { org: session.user?.org_id, userId: session.user?.id, deviceId: sync().device }
  }

  async function refresh() {
    const db = await sync().whenOpen()
    const started = globalThis.performance?.now()
    orders.value = await local.listOrders(db)
    loaded.value = true
    globalThis.performance?.measure?.(`aftercare orders (${orders.value.length})`, { start: started })
    if (watchedDb !== db) {
      unwatch?.()
      watchedDb = db
      // Status documents arrive in bursts: one refresh per burst.
      unwatch = local.watch(db, () => {
        clearTimeout(timer)
        timer = setTimeout(() => refresh().catch(() => {}), 150)
      })
    }
  }

  /** Master data; `{ tacs: true }` adds the TAC table (intake), read once and then kept current. */
  async function loadMaster(options) {
    await sync().whenOpen()
    master.value = await local.masterData(dbName(), options)
    accounts.value = await local.counterAccounts(dbName())
    return master.value
  }

  /** The point's money accounts from the server (when the database opens and back online), kept for offline use. */
  async function fetchAccounts() {
    const db = dbName()
    if (!db || !sync().online) return
    try {
      const fresh = await repairApi.counterAccounts()
      await local.saveCounterAccounts(db, fresh)
      accounts.value = fresh
    } catch (e) {
      if (!e.isNetwork) console.warn('aftercare: counter accounts', e) // the kept list stays
    }
  }

  /** Save an intake: the event, its photos (queued) and the customer's signature (kept on the device). */
  async function saveIntake(form) {
    const db = dbName()
    const code = await nextProvisionalCode(engine.db(db), sync().device)
    const doc = buildIntake({ ...form, provisionalCode: code }, context())
    await photoQueue.attach(doc.photos || [], doc._id)
    // Hold the push before the event exists when a photo still waits (the server needs it first).
    await sync().drainPhotos().catch(() => {})
    await sync().writeEvent(doc)
    if (form.signature) await local.saveIntakeSignature(db, doc._id, form.signature)
    sync().drainPhotos().catch(() => {})
    await refresh()
    return doc
  }

  async function fire(orderId, event, data) {
    const doc = buildRepairEvent(orderId, event, data, context())
    await sync().writeEvent(doc)
    await refresh()
    return doc
  }

  /** A quotation made at the counter or on the job: an event like any other (posted by the worker). */
  async function quote(orderId, quotation) {
    const doc = buildQuotation(orderId, quotation, context())
    await sync().writeEvent(doc)
    await refresh()
    return doc
  }

  /** The customer's signed accept/decline of a quotation (this device's or the server's). */
  async function decide(orderId, quotationId, accepted, signature) {
    const doc = buildQuotationDecision(orderId, quotationId, accepted, signature, context())
    await sync().writeEvent(doc)
    await refresh()
    return doc
  }

  /** The server's current answer for an order (online), kept for offline use. */
  async function fetchServerOrder(id) {
    if (!sync().online) return null
    try {
      const detail = await repairApi.order(id)
      await local.saveSnapshot(dbName(), detail)
      await refresh()
      return detail
    } catch (e) {
      if (e.status === 404 || e.isNetwork) return null
      throw e
    }
  }

  async function snapshot(id) {
    return local.getSnapshot(dbName(), id)
  }

  async function intakeSignature(id) {
    return local.getIntakeSignature(dbName(), id)
  }

  /** An object URL of a photo: this device's copy, else the server's (online). null when neither. */
  async function photoUrl(sha) {
    let blob = await photoQueue.image(sha)
    if (!blob && sync().online) {
      try {
        blob = await blobsApi.get(sha)
      } catch {
        blob = null
      }
    }
    return blob ? URL.createObjectURL(blob) : null
  }

  async function addPhoto(blob) {
    const sha = await photoQueue.add(blob, { contentType: blob.type || 'image/jpeg' })
    sync().drainPhotos().catch(() => {})
    return sha
  }

  async function discardPhotos(shas) {
    await photoQueue.discard(shas)
  }

  function find(id) {
    return orders.value.find((o) => o.id === id) || null
  }

  function reset() {
    local.forget()
    unwatch?.()
    unwatch = null
    watchedDb = null
    orders.value = []
    loaded.value = false
    master.value = null
  }

  return { orders, loaded, master, accounts, refresh, loadMaster, fetchAccounts, saveIntake, fire, quote, decide, fetchServerOrder, snapshot, intakeSignature, photoUrl, addPhoto, discardPhotos, find, reset }
})
