// Technician commissions (提成, issue 19 §8): the calls of the statement screen and the little it
// decides itself (pure, Vitest: tests/commissions.test.js). The rules are base data (the workspace's
// list of the kind `commission-rules`); what a job earns is decided by the server.
import { api } from '../../api/index.js'
import { errorFromResponse, networkError } from '../../api/errors.js'

export const commissionsApi = {
  summary: (month) => api.get('/api/commissions/summary', { month }),
  statement: (engineerId, month) => api.get('/api/commissions/statement', { engineer_id: engineerId, month }),

  /** The statement printed on A4, as a PDF blob (fetched: it needs the bearer token). */
  async statementPdf(engineerId, month, lang) {
    const params = new URLSearchParams({ engineer_id: engineerId, month, lang })
    let resp
    try {
      resp = await api.authFetch(`/api/commissions/statement/print?${params}`)
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.blob()
  },
}

/** This month as YYYY-MM, in local time. */
export function thisMonth(now = new Date()) {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`
}

/** The month before or after `month` (YYYY-MM) by `step` months. */
export function shiftMonth(month, step) {
  const [y, m] = month.split('-').map(Number)
  const d = new Date(y, m - 1 + step, 1)
  return thisMonth(d)
}
