// The finance screens' calls and the little they decide themselves (pure, Vitest: tests/finance.test.js).
// What a source document is called and where it opens comes with every row from the server
// (server/finance/sources.py: document_label, link); here only a link becomes a route.
import { api } from '../../api/index.js'
import { errorFromResponse, networkError } from '../../api/errors.js'

export const financeApi = {
  balances: (query) => api.get('/api/finance/counterparty-balances', query),
  documents: (query) => api.get('/api/finance/counterparty-documents', query),
  entries: (query) => api.get('/api/finance/counterparty-entries', query),
  accounts: (query) => api.get('/api/finance/account-balances', query),
  account: (id) => api.get(`/api/money-accounts/${id}`),
  cashEntries: (query) => api.get('/api/finance/cash-entries', query),
  openItems: (query) => api.get('/api/finance/open-items', query),
  aging: (query) => api.get('/api/finance/aging', query),
  statement: (query) => api.get('/api/finance/statement', query),
  settlement: (type, id) => api.get(`${settlementPath(type)}/${id}`),
  allocate: (type, id, body) => api.post(`${settlementPath(type)}/${id}/allocate`, body),
  unallocate: (type, id, allocationId) => api.post(`${settlementPath(type)}/${id}/allocations/${allocationId}/undo`, {}),
  reverse: (type, id, reason) => api.post(`${settlementPath(type)}/${id}/reverse`, { reason }),
  bankStatements: (query) => api.get('/api/finance/bank-statements', query),
  bankStatement: (id) => api.get(`/api/finance/bank-statements/${id}`),
  autoMatch: (id, windowDays) => api.post(`/api/finance/bank-statements/${id}/auto-match`, { window_days: windowDays }),
  matchLine: (id, lineId, cashEntryId) => api.post(`/api/finance/bank-statements/${id}/lines/${lineId}/match`, { cash_entry_id: cashEntryId }),
  unmatchLine: (id, lineId) => api.post(`/api/finance/bank-statements/${id}/lines/${lineId}/unmatch`, {}),

  /** Import a bank statement file (.xlsx/.csv) of one account; an ApiError names every bad row (rows.<n>.<column>). */
  async importStatement(accountId, file) {
    const form = new FormData()
    form.append('file', file, file.name)
    let resp
    try {
      resp = await api.authFetch(`/api/finance/bank-statements?account_id=${encodeURIComponent(accountId)}`, {
        method: 'POST', body: form, headers: { Accept: 'application/json' },
      })
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.json()
  },
  moneyDocuments: (query) => api.get('/api/finance/money-documents', query),
  periods: () => api.get('/api/finance/periods'),
  periodHistory: (query) => api.get('/api/finance/periods/history', query),
  /** 结账 (`close`) or 反结账 (`reopen`) of one organisation's books. */
  changePeriod: (action, orgId, body) => api.post(`/api/finance/periods/${orgId}/${action}`, body),

  /** The statement of account (对账单) printed on A4, as a PDF blob (fetched: it needs the bearer token). */
  async statementPdf(query) {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''))
    let resp
    try {
      resp = await api.authFetch(`/api/finance/statement/print?${params}`)
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.blob()
  },

  /** A ledger detail as .xlsx ({blob, filename}); `ledger` is 'counterparty' or 'cash'. */
  async exportLedger(ledger, query) {
    const path = ledger === 'cash' ? '/api/finance/cash-entries/export' : '/api/finance/counterparty-entries/export'
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''))
    let resp
    try {
      resp = await api.authFetch(`${path}?${params}`)
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    const filename = /filename="([^"]+)"/.exec(resp.headers.get('Content-Disposition') || '')?.[1] || 'ledger.xlsx'
    return { blob: await resp.blob(), filename }
  },
}

/** A receipt's or payment's REST path (server/finance/settlement_api.py). */
export function settlementPath(type) {
  return type === 'finance_payment' ? '/api/finance/payments' : '/api/finance/receipts'
}

/** The direction a receipt (receivable) or a payment (payable) settles. */
export function settlementDirection(type) {
  return type === 'finance_payment' ? 'payable' : 'receivable'
}

/** Aging buckets in the order a row shows them (server/finance/statement.py BUCKETS, then on account). */
export const BUCKETS = ['current', 'd1_30', 'd31_60', 'd61_90', 'over_90', 'on_account']

/**
 * Oldest first, as the server allocates: the credit `left` spread over the open charges (open > 0,
 * already in date order) — what "auto" would take of each, for the screen to show before asking.
 */
export function oldestFirst(items, left) {
  const out = {}
  let rest = Number(sumMoney([left]).replace('.', ''))
  for (const item of items) {
    if (rest <= 0) break
    const open = Number(sumMoney([item.open]).replace('.', ''))
    if (open <= 0) continue
    const take = Math.min(open, rest)
    out[item.document_id] = sumMoney([`${Math.trunc(take / 100)}.${String(take % 100).padStart(2, '0')}`])
    rest -= take
  }
  return out
}

export const DIRECTIONS = ['receivable', 'payable']
export const COUNTERPARTY_KINDS = ['party', 'organisation', 'member', 'walk_in']
export const ACCOUNT_KINDS = ['bank', 'cash']

/** The route of a counterparty's page from a balance row; walk-in customers have no id. */
export function counterpartyRoute(row) {
  const params = { orgId: row.org_id, kind: row.counterparty_kind }
  if (row.counterparty_id) params.cpId = row.counterparty_id
  return { name: 'finance-counterparty', params }
}

/** The query naming one counterparty in one organisation's books (for documents and entries). */
export function counterpartyQuery({ orgId, kind, cpId }) {
  return { org_id: orgId, counterparty_kind: kind, counterparty_id: kind === 'walk_in' ? undefined : cpId }
}

/**
 * Where a source document opens, as a route (null: no screen shows it). A repair order opens on
 * the first of `orderRoutes` the router knows: the online order page (it reads the server, so it
 * serves headquarters too), else the counter's.
 */
export function linkRoute(link, hasRoute = () => true, orderRoutes = ['ws-repair-orders-detail', 'repair-order']) {
  if (!link) return null
  if (link.kind === 'workspace') return hasRoute('workspace-document') ? { name: 'workspace-document', params: { type: link.type, id: link.id } } : null
  if (link.kind === 'repair_order') {
    const name = orderRoutes.find((n) => hasRoute(n))
    return name ? { name, params: { id: link.id } } : null
  }
  return null
}

/** A label {zh-CN, en} in the current language (the other one, then the raw value, as fallbacks). */
export function pick(label, locale, fallback = '') {
  if (!label) return fallback
  return label[locale] || label['zh-CN'] || label.en || fallback
}

/** YYYY-MM-DD of a local date (the business date the server counts by). */
export function isoDay(d = new Date()) {
  const pad = (n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The first day of the month `monthsBack` months before `d`, as YYYY-MM-DD. */
export function monthStart(d = new Date(), monthsBack = 0) {
  return isoDay(new Date(d.getFullYear(), d.getMonth() - monthsBack, 1))
}

/** A date range's problem for the user, or '' (the server says the same, naming date_from). */
export function rangeProblem(from, to) {
  return from && to && from > to ? 'finance.ledger.badRange' : ''
}

/** Sum of decimal strings, exact to the cent (no float drift over many rows). */
export function sumMoney(values) {
  let cents = 0n
  for (const v of values) {
    if (v === null || v === undefined || v === '') continue
    const [whole, frac = ''] = String(v).replace('-', '').split('.')
    const c = BigInt(whole || '0') * 100n + BigInt((frac + '00').slice(0, 2))
    cents += String(v).startsWith('-') ? -c : c
  }
  const sign = cents < 0n ? '-' : ''
  const abs = cents < 0n ? -cents : cents
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`
}

/**
 * A statement import's refusal as rows to show: [{row, field, message}] from `rows.<n>.<column>` keys,
 * by row then field; other fields (the file as a whole) come with row null.
 */
export function importProblems(errors) {
  const out = []
  for (const [key, msgs] of Object.entries(errors || {})) {
    const m = /^rows\.(\d+)\.(.+)$/.exec(key)
    for (const message of Array.isArray(msgs) ? msgs : [msgs]) {
      out.push(m ? { row: Number(m[1]), field: m[2], message } : { row: null, field: key, message })
    }
  }
  return out.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || a.field.localeCompare(b.field))
}

/** The unmatched entries a statement line may be matched to by hand: the same amount, nearest date first. */
export function candidatesFor(line, entries) {
  const day = (d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000
  return entries
    .filter((e) => sumMoney([e.amount]) === sumMoney([line.amount]))
    .sort((a, b) => Math.abs(day(a.doc_date) - day(line.value_date)) - Math.abs(day(b.doc_date) - day(line.value_date)))
}
