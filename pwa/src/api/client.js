// The one HTTP client of the app. Adds the bearer token, refreshes it once on a 401
// (one refresh at a time, however many requests failed together) and retries, and
// turns every failure into an ApiError. authFetch is the same for PouchDB's
// replication through /sync/. Every request names the reader's language (Accept-Language): the
// server answers its error messages in it (server/messages.py).
import { ApiError, errorFromResponse, networkError } from './errors.js'

function buildUrl(baseUrl, path, query) {
  let url = baseUrl + path
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') params.append(k, String(v))
    }
    const qs = params.toString()
    if (qs) url += (url.includes('?') ? '&' : '?') + qs
  }
  return url
}

export function createApiClient({ baseUrl = '', fetch: fetchImpl, tokens, language = () => null }) {
  const doFetch = fetchImpl || ((...args) => globalThis.fetch(...args))
  const withLanguage = (headers) => {
    const lang = language()
    if (lang) headers['Accept-Language'] = lang
    return headers
  }
  let refreshing = null

  /**
   * Exchange the refresh token for a new pair. Resolves true when renewed, false
   * when the server refused it (the session is over: tokens.expired() is called).
   * A network failure rejects and keeps the session: the device may just be offline.
   */
  function refreshSession() {
    if (!refreshing) {
      refreshing = (async () => {
        const refreshToken = tokens.refresh()
        if (!refreshToken) return false
        let resp
        try {
          resp = await doFetch(baseUrl + '/api/auth/refresh', {
            method: 'POST',
            headers: withLanguage({ 'Content-Type': 'application/json', Accept: 'application/json' }),
            body: JSON.stringify({ refresh_token: refreshToken }),
          })
        } catch (e) {
          throw networkError(e)
        }
        if (resp.ok) {
          tokens.save(await resp.json())
          return true
        }
        if (resp.status === 401 || resp.status === 422) {
          tokens.expired()
          return false
        }
        throw await errorFromResponse(resp)
      })().finally(() => {
        refreshing = null
      })
    }
    return refreshing
  }

  async function send(method, url, body, auth, signal) {
    const headers = withLanguage({ Accept: 'application/json' })
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const access = auth ? tokens.access() : null
    if (access) headers.Authorization = `Bearer ${access}`
    try {
      return await doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal })
    } catch (e) {
      if (e?.name === 'AbortError') throw e
      throw networkError(e)
    }
  }

  async function request(method, path, { body, query, auth = true, signal } = {}) {
    const url = buildUrl(baseUrl, path, query)
    let resp = await send(method, url, body, auth, signal)
    if (resp.status === 401 && auth && tokens.refresh()) {
      if (await refreshSession()) resp = await send(method, url, body, auth, signal)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    if (resp.status === 204) return null
    const text = await resp.text()
    return text ? JSON.parse(text) : null
  }

  /** fetch() with the bearer token and the same refresh-once-on-401 (for PouchDB). */
  async function authFetch(url, options = {}) {
    const attempt = () => {
      const headers = new Headers(options.headers || {})
      const access = tokens.access()
      if (access) headers.set('Authorization', `Bearer ${access}`)
      const lang = language()
      if (lang && !headers.has('Accept-Language')) headers.set('Accept-Language', lang)
      // The proxy authenticates by token only: never send cookies along.
      return doFetch(url, { ...options, headers, credentials: 'omit' })
    }
    let resp = await attempt()
    if (resp.status === 401 && tokens.refresh()) {
      let renewed = false
      try {
        renewed = await refreshSession()
      } catch {
        renewed = false
      }
      if (renewed) resp = await attempt()
    }
    return resp
  }

  return {
    request,
    get: (path, query, opts) => request('GET', path, { ...opts, query }),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
    refreshSession,
    authFetch,
  }
}

export { ApiError }
