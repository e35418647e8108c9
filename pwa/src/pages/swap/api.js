// The accessory swap's REST reads and its factory steps (server/swap/api.py), online. The counter's
// intake and return are sync events (useSwap.js, swap/events.js); the documents themselves (list,
// detail, stock moves, trail) are the workspace's (server/meta/family_swap.py).
import { api } from '../../api/index.js'
import { workspaceApi } from '../../api/workspace.js'
import { SWAP } from '../../swap/events.js'

const enc = encodeURIComponent

export const swapApi = {
  history: (query) => api.get('/api/swap/history', { page_size: 200, ...query }),
  intake: (id) => api.get(`/api/swap/intakes/${enc(id)}`),
  sends: (query = {}) => api.get('/api/swap/sends', { page_size: 50, ...query }),
  send: (id) => api.get(`/api/swap/sends/${enc(id)}`),
  createSend: (body) => api.post('/api/swap/sends', body),
  createReceipt: (body) => api.post('/api/swap/receipts', body),
  makers: () => api.get('/api/parties', { page_size: 200, role: 'manufacturer' }),
}

/** A swap paper (swap-intake-slip, swap-send-list) as PDF on its first paper, in the reader's language, opened in a new tab. */
export async function printSwap(form, id, locale) {
  const paper = (SWAP.papers[form] || ['a4'])[0]
  const { blob } = await workspaceApi.file(`/api/print/${form}/${enc(id)}`, { format: 'pdf', paper, lang: locale === 'en' ? 'en' : 'zh' })
  const url = URL.createObjectURL(blob)
  window.open(url, '_blank')
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
