// Transfers' REST calls (server/transfer/api.py), online. The documents themselves (list, detail, new,
// approve, issue, reverse, trail, print) are the workspace's (server/meta/family_transfer.py); these
// serve the receiving screen and headquarters' in-transit overview.
import { api } from '../../api/index.js'
import { workspaceApi } from '../../api/workspace.js'

const enc = encodeURIComponent

export const transferApi = {
  incoming: () => api.get('/api/transfers/orders', { stage: 'in_transit', page_size: 100 }),
  order: (id) => api.get(`/api/transfers/orders/${enc(id)}`),
  receive: (id, body) => api.post(`/api/transfers/orders/${enc(id)}/receive`, body),
  inTransit: (query = {}) => api.get('/api/transfers/in-transit', query),
}

/** A transfer paper (A4) as PDF in the reader's language, opened in a new tab. */
export async function printTransfer(form, id, locale) {
  const { blob } = await workspaceApi.file(`/api/print/${form}/${enc(id)}`, { format: 'pdf', paper: 'a4', lang: locale === 'en' ? 'en' : 'zh' })
  const url = URL.createObjectURL(blob)
  window.open(url, '_blank')
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * What a line's count means, the server's rule restated for the screen (it refuses the same):
 * arrived = received + damaged; short = sent − arrived when positive; over sent, the surplus must be
 * declared and equals arrived − sent.
 */
export function lineOutcome(sent, received, damaged) {
  const s = Number(sent) || 0
  const arrived = (Number(received) || 0) + (Number(damaged) || 0)
  return { shortfall: Math.max(s - arrived, 0), surplus: Math.max(arrived - s, 0) }
}
