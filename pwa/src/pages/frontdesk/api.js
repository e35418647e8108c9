// The repair desk's REST reads (loaners, refunds, batches: server/repair/api.py), online. The desk
// writes through sync events (useDesk.js, repair/desk.js); the lists and documents themselves are
// the workspace's (GET /api/meta/documents).
import { api } from '../../api/index.js'

const enc = encodeURIComponent

export const frontdeskApi = {
  findOrders: (q) => api.get('/api/repair/orders', { q, page_size: 5 }),
  /** The order's own fields, with the deposit held and the bill so far. */
  async order(id) {
    const d = await api.get(`/api/repair/orders/${enc(id)}`)
    return { ...d.order, deposit_held: d.deposit_held, bill: d.bill }
  },
  stateMachine: () => api.get('/api/repair/state-machine'),
  accounts: () => api.get('/api/repair/counter-accounts'),
  loaners: (orderId) => api.get('/api/repair/loaners', { order_id: orderId, page_size: 50 }),
  refunds: (orderId) => api.get('/api/repair/refunds', { order_id: orderId, page_size: 50 }),
  parties: () => api.get('/api/parties', { page_size: 200 }),
  openBatches: () => api.get('/api/repair/batches', { open: true, page_size: 50 }),
  batch: (id) => api.get(`/api/repair/batches/${enc(id)}`),
}

/** The state machine's labels by state ({state: {zh-CN, en}}), for showing an order's progress. */
export function stateLabels(machine) {
  return Object.fromEntries((machine?.states || []).map((s) => [s.name, s.label]))
}
