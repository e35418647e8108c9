// The workshop: engineer queue, parts, QC, handovers and packing lists. Orders come from the
// counter's store (useRepairStore); the workshop's own documents are read from the point's local
// database once and then followed on its changes feed, so everything works offline and events are
// written as documents the sync worker posts.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { api } from '../api/index.js'
import * as local from '../db/workshop.js'
import { uuidv7 } from '../sync/ids.js'
import { buildHandover, buildPackingClose, buildPackingList, buildPackingReceive, buildPartUsed, buildRequisition, buildReturn } from '../workshop/events.js'
import { awayOrderIds, projectLists, withStatus } from '../workshop/packing.js'
import { useRepairStore } from './repair.js'
import { useSessionStore } from './session.js'
import { useSyncStore } from './sync.js'

export const useWorkshopStore = defineStore('workshop', () => {
  const docs = shallowRef(new Map())
  const loaded = ref(false)
  const emptyMaster = () => ({ items: [], manufacturers: [], warehouses: [] })
  const master = ref(emptyMaster())
  // Forms that pick from the master data (a warehouse, a manufacturer) wait for its first read.
  const masterLoaded = ref(false)
  const drafts = ref([])
  const users = ref([])
  let watchedDb = null
  let unwatch = null
  let loading = null

  const sync = () => useSyncStore()
  const repair = () => useRepairStore()
  const dbName = () => sync().pointDb

  function context() {
    const session = useSessionStore()
    return { org: session.user?.org_id, userId: session.user?.id, deviceId: sync().device }
  }

  function absorb(list) {
    const next = new Map(docs.value)
    for (const d of list) next.set(d._id, d)
    docs.value = next
  }

  /** Read the workshop's documents (once per database) and follow the changes; the orders too. */
  async function load() {
    const db = await sync().whenOpen()
    if (watchedDb === db && loaded.value) return
    if (loading) return loading
    loading = (async () => {
      await repair().refresh()
      const found = await local.readWorkshopDocs(db)
      docs.value = new Map(found.map((d) => [d._id, d]))
      drafts.value = await local.packingDrafts(db)
      users.value = await local.handoverUsers(db)
      unwatch?.()
      watchedDb = db
      let pending = []
      let timer = null
      unwatch = local.watchWorkshop(db, (doc) => {
        pending.push(doc)
        clearTimeout(timer)
        timer = setTimeout(() => {
          absorb(pending)
          pending = []
        }, 100)
      })
      loaded.value = true
    })()
    try {
      await loading
    } finally {
      loading = null
    }
  }

  async function loadMaster() {
    const db = await sync().whenOpen()
    master.value = await local.workshopMaster(db)
    masterLoaded.value = true
    return master.value
  }

  const byType = computed(() => withStatus([...docs.value.values()]))
  const lists = computed(() => projectLists(byType.value))
  const ordersById = computed(() => new Map(repair().orders.map((o) => [o.id, o])))
  const away = computed(() => awayOrderIds(lists.value, ordersById.value))
  const requisitions = computed(() => byType.value.engineer_requisition || [])
  const parts = computed(() => byType.value.repair_part || [])
  const returns = computed(() => byType.value.engineer_return || [])
  const handovers = computed(() => [...(byType.value.repair_handover || [])].reverse())

  async function write(doc) {
    await sync().writeEvent(doc)
    absorb([doc])
    return doc
  }

  /** The engineer record of the signed-in user (md:engineers of the point), from the counter's master data. */
  function engineerOfUser(md) {
    const uid = useSessionStore().user?.id
    return (md?.engineers || []).find((e) => e.user_id === uid) || null
  }

  async function requisition(order, { engineerId, warehouseId, lines, note }) {
    const doc = buildRequisition({ engineerId, warehouseId, reference: order.number || order.provisionalCode, note, lines }, context())
    return write(doc)
  }

  /** Parts drawn for the order and not fitted go back (surplus) to the warehouse they came from. */
  async function returnPart(order, { engineerId, warehouseId, itemId, quantity }) {
    const doc = buildReturn({ engineerId, warehouseId, reference: order.number || order.provisionalCode, lines: [{ itemId, quantity }] }, context())
    return write(doc)
  }

  async function usePart(order, { itemId, quantity }) {
    return write(buildPartUsed(order.id, { itemId, quantity }, context()))
  }

  /** One handover slip per device, all signed by the receiver. */
  async function handOver(orderIds, { toUserId, signature, place, note }) {
    const out = []
    for (const id of orderIds) out.push(await write(buildHandover(id, { toUserId, signature, place, note }, context())))
    return out
  }

  /** The point's users from the server (online), kept for offline handovers. */
  async function fetchUsers() {
    const db = await sync().whenOpen()
    if (!sync().online) return users.value
    try {
      const fresh = await api.get('/api/repair/handover-users')
      await local.saveHandoverUsers(db, fresh)
      users.value = fresh
    } catch (e) {
      if (!e.isNetwork) console.warn('aftercare: handover users', e)
    }
    return users.value
  }

  // -- boxes ----------------------------------------------------------------------------------

  async function saveDrafts(change) {
    drafts.value = await local.savePackingDrafts(dbName(), change)
    return drafts.value
  }

  async function newDraft({ purpose, manufacturerId = null, destinationOrgId = null, carrier = '', trackingNo = '', note = '' }) {
    const draft = { id: uuidv7(), purpose, manufacturerId, destinationOrgId, carrier, trackingNo, note, orderIds: [], createdAt: new Date().toISOString() }
    await saveDrafts((all) => [draft, ...all])
    return draft
  }

  async function updateDraft(id, change) {
    await saveDrafts((all) => all.map((d) => (d.id === id ? { ...d, ...change(d) } : d)))
    return drafts.value.find((d) => d.id === id) || null
  }

  async function deleteDraft(id) {
    await saveDrafts((all) => all.filter((d) => d.id !== id))
  }

  /** Send a packed box: one repair_packing_list event (its _id the list's), then the draft goes. */
  async function sendDraft(id) {
    const draft = drafts.value.find((d) => d.id === id)
    if (!draft || !draft.orderIds.length) throw new Error('empty box')
    const doc = await write(buildPackingList(draft, context()))
    await deleteDraft(id)
    return doc
  }

  /** One device checked in; an exchange unit's replacement names the old one (replacesImei). */
  async function receive(listId, { imei, signature, note, replacesImei }) {
    return write(buildPackingReceive(listId, { imei, signature, note, replacesImei }, context()))
  }

  async function closeList(listId, note = '') {
    return write(buildPackingClose(listId, { note }, context()))
  }

  // Another user, another point, or logged out (the local databases were wiped): read again.
  watch(() => sync().pointDb, (db) => {
    if (watchedDb && db !== watchedDb) reset()
  })

  function reset() {
    unwatch?.()
    unwatch = null
    watchedDb = null
    docs.value = new Map()
    drafts.value = []
    users.value = []
    loaded.value = false
    master.value = emptyMaster()
    masterLoaded.value = false
  }

  return {
    docs, loaded, master, masterLoaded, drafts, users, byType, lists, away, requisitions, parts, returns, handovers, ordersById,
    load, loadMaster, engineerOfUser, requisition, returnPart, usePart, handOver, fetchUsers, newDraft, updateDraft, deleteDraft, sendDraft, receive, closeList, reset,
  }
})
