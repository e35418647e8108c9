// What the retail screens share: the point database's retail events projected with their status
// documents (retail/sale.js), the items (master database: barcode, price, serial tracking), the
// counter's warehouses (md:warehouses) and money accounts (kept by the repair store, as for deposits),
// writing an event there (local first: 已保存在本机 until the worker posts it) and the REST reads of
// the server's answer (a sale's detail, the cash-up's expected figures, the stock exceptions) online.
import { computed, onBeforeUnmount, shallowRef } from 'vue'
import { api } from '../../api/index.js'
import { useSessionStore } from '../../stores/session.js'
import { useSyncStore } from '../../stores/sync.js'
import { useRepairStore } from '../../stores/repair.js'
import { pointDocs, watch as watchDb } from '../../db/repair.js'
import { dbOrNull } from '../../db/local.js'
import { live } from '../../db/live.js'
import { hasPointDatabase, MASTER_DB } from '../../sync/index.js'
import { buildCashup, buildReturn, buildSale, projectRetail } from '../../retail/sale.js'

const enc = encodeURIComponent

export const retailApi = {
  sale: (id) => api.get(`/api/retail/sales/${enc(id)}`),
  sales: (query) => api.get('/api/retail/sales', { page_size: 50, ...query }),
  preview: (warehouseId, day) => api.get('/api/retail/cashup-preview', { warehouse_id: warehouseId, ...(day ? { business_date: day } : {}) }),
  exceptions: (query) => api.get('/api/retail/exceptions', { page_size: 100, ...query }),
  postException: (id) => api.post(`/api/retail/exceptions/${enc(id)}/post`, {}),
}

// A published record's own kind (device, part; good, defective) travels as record_kind (server/basedata/operations.document_for).
const itemShape = (d) => ({ id: d.id, code: d.code, name: d.name, barcode: d.barcode || '', kind: d.record_kind, serialized: !!d.serialized,
  retail_price: d.retail_price, active: d.active !== false, unit: d.unit, model_id: d.model_id || null })

export function useRetail() {
  const session = useSessionStore()
  const sync = useSyncStore()
  const repair = useRepairStore()
  const retail = shallowRef({ sales: [], returns: [], cashups: [] })
  const items = shallowRef({})
  const warehouses = shallowRef([])
  const loaded = shallowRef(false)
  const hasPointDb = computed(() => !!hasPointDatabase(session.organisation))
  const online = computed(() => sync.online)
  let stop = null

  async function refresh() {
    const db = sync.pointDb
    if (!db) return
    const copy = pointDocs(db)
    const master = dbOrNull(MASTER_DB)
    const itemCopy = master && live(master, 'master:items', { prefixes: ['items:'], shape: itemShape, persist: 'items' })
    const whCopy = live(copy.db, `warehouses:${db}`, { prefixes: ['md:warehouses:'] })
    await Promise.all([copy.settled(), itemCopy?.settled(), whCopy.settled()])
    const byId = Object.fromEntries((itemCopy ? itemCopy.values() : []).map((i) => [i.id, i]))
    items.value = byId
    warehouses.value = whCopy.values().filter((w) => w.active !== false && w.record_kind === 'good').sort((a, b) => a.code.localeCompare(b.code))
    retail.value = projectRetail(copy.values(), byId)
    loaded.value = true
  }

  async function start() {
    if (!hasPointDb.value) return
    const db = await sync.whenOpen()
    await repair.loadMaster({ tacs: true }).catch(() => {})
    await refresh()
    stop?.()
    stop = watchDb(db, () => refresh().catch(() => {}))
    repair.fetchAccounts().catch(() => {})
  }
  onBeforeUnmount(() => stop?.())

  const ctx = () => ({ org: session.user?.org_id, userId: session.user?.id, deviceId: sync.device })

  async function write(doc) {
    await sync.writeEvent(doc)
    await refresh()
    return doc
  }

  /**
   * What was scanned: {item} by its barcode or code, or {item, serial} for a 15-digit IMEI (its TAC
   * names the model, whose serial-tracked device item is sold); null when nothing matches.
   */
  function scan(text) {
    const s = String(text || '').trim()
    if (!s) return null
    const all = Object.values(items.value).filter((i) => i.active)
    const item = all.find((i) => i.barcode === s || i.code === s)
    if (item) return { item }
    if (/^\d{15}$/.test(s)) {
      const modelId = repair.master?.tacs?.[s.slice(0, 8)]
      const device = modelId && all.find((i) => i.model_id === modelId && i.serialized && i.kind === 'device')
      if (device) return { item: device, serial: s }
    }
    return null
  }

  return {
    retail, items, warehouses, loaded, hasPointDb, online, start, refresh, scan, ctx,
    accounts: computed(() => repair.accounts),
    saveSale: (form) => write(buildSale(form, ctx())),
    saveReturn: (saleId, form) => write(buildReturn(saleId, form, ctx())),
    saveCashup: (form) => write(buildCashup(form, ctx())),
  }
}
