// The app's API client and its endpoints. Components use these functions (or the
// stores), never fetch() directly.
import { createApiClient } from './client.js'
import { createTokenBox } from './tokens.js'
import { errorFromResponse, networkError } from './errors.js'

export const tokens = createTokenBox()
// The reader's language for Accept-Language, wired to i18n by main.js (kept out of this module's
// imports so the stores and their tests load it without Quasar).
let languageOf = () => null
export function setApiLanguage(fn) {
  languageOf = fn
}
export const api = createApiClient({ tokens, language: () => languageOf() })

export const authApi = {
  login: (username, password) => api.post('/api/auth/login', { username, password }, { auth: false }),
  logout: (refreshToken) => api.post('/api/auth/logout', { refresh_token: refreshToken }),
  me: () => api.get('/api/auth/me'),
  switchUser: (userId) => api.post('/api/auth/switch-user', { user_id: userId }),
  leaveSwitch: (refreshToken) => api.post('/api/auth/switch-user/leave', refreshToken ? { refresh_token: refreshToken } : {}),
  loginRecords: (query) => api.get('/api/auth/login-records', query),
}

export const metaApi = {
  permissions: () => api.get('/api/meta/permissions'),
  lifecycle: () => api.get('/api/meta/lifecycle'),
  version: () => api.get('/api/meta/version', undefined, { auth: false }),
}

export const directoryApi = {
  users: (query) => api.get('/api/users', query),
  organisations: (query) => api.get('/api/organisations', query),
  organisation: (id) => api.get(`/api/organisations/${id}`),
}

export const lookupApi = {
  phone: (phone) => api.get(`/api/lookup/phone/${encodeURIComponent(phone)}`),
  warranty: (imei, purchaseDate) => api.get(`/api/lookup/warranty?imei=${encodeURIComponent(imei)}${purchaseDate ? `&purchase_date=${purchaseDate}` : ''}`),
}

export const repairApi = {
  order: (id) => api.get(`/api/repair/orders/${id}`),
  counterAccounts: () => api.get('/api/repair/counter-accounts'),
  /** The device's passcode for the engineer (repair.passcode; every read is audited by the server). */
  passcode: (id) => api.get(`/api/repair/orders/${id}/passcode`),
  /** 押金结转: a converted repair's deposit to its exchange order (online; server/repair/operations.py). */
  carryOverDeposit: (id) => api.post(`/api/repair/orders/${id}/carry-over-deposit`, {}),
  /** Several payers per job: who pays what of the bill, each payer's open amount, the margin (server/repair/split.py). */
  payers: (id) => api.get(`/api/repair/orders/${id}/payers`),
  setPayers: (id, split) => api.request('PUT', `/api/repair/orders/${id}/payers`, { body: { split } }),
}

export const printApi = {
  /** The server's PDF of a form (needs the bearer token, so it is fetched, not linked). */
  async pdf(form, id, lang, paper = null) {
    const resp = await api.authFetch(`/api/print/${form}/${id}?format=pdf&lang=${lang}${paper ? `&paper=${paper}` : ''}`)
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.blob()
  },
}

export const blobsApi = {
  /** POST /api/blobs with the raw image; resolves {sha256}. A failure rejects with an ApiError (status 0 offline). */
  async upload(data, contentType) {
    let resp
    try {
      resp = await api.authFetch('/api/blobs', { method: 'POST', body: data, headers: { 'Content-Type': contentType, Accept: 'application/json' } })
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.json()
  },
  /** An uploaded photo (for an order taken in on another device). */
  async get(sha256) {
    const resp = await api.authFetch(`/api/blobs/${sha256}`)
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.blob()
  },
}

export { ApiError } from './errors.js'
