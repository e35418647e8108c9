import { describe, expect, test, vi } from 'vitest'
import { createApiClient } from '../src/api/client.js'
import { createTokenBox } from '../src/api/tokens.js'
import { ApiError } from '../src/api/errors.js'

function memoryStorage() {
  const m = new Map()
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) }
}

function json(status, body) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function setup(handler, pair = { access_token: 'a1', refresh_token: 'r1' }) {
  const tokens = createTokenBox(memoryStorage())
  if (pair) tokens.save(pair)
  const calls = []
  const fetch = vi.fn(async (url, opts = {}) => {
    const headers = new Headers(opts.headers || {})
    const call = { url, method: opts.method || 'GET', auth: headers.get('Authorization'), body: opts.body ? JSON.parse(opts.body) : undefined }
    calls.push(call)
    return handler(call, calls)
  })
  return { api: createApiClient({ baseUrl: 'http://x', fetch, tokens }), tokens, calls }
}

describe('api client', () => {
  test('sends the bearer token and parses JSON', async () => {
    const { api, calls } = setup(() => json(200, { ok: true }))
    expect(await api.get('/api/auth/me')).toEqual({ ok: true })
    expect(calls[0].auth).toBe('Bearer a1')
  })

  test('query parameters leave out empty values', async () => {
    const { api, calls } = setup(() => json(200, {}))
    await api.get('/api/users', { q: 'wang', active: false, org_id: undefined, role: '' })
    expect(calls[0].url).toBe('http://x/api/users?q=wang&active=false')
  })

  test('a 401 refreshes once and retries with the new token', async () => {
    const { api, calls, tokens } = setup((c) => {
      if (c.url.endsWith('/api/auth/refresh')) return json(200, { access_token: 'a2', refresh_token: 'r2', user: { username: 'u' } })
      return c.auth === 'Bearer a2' ? json(200, { me: 1 }) : json(401, { code: 'unauthorized', message: 'expired', errors: {} })
    })
    expect(await api.get('/api/auth/me')).toEqual({ me: 1 })
    expect(calls.map((c) => c.url)).toEqual(['http://x/api/auth/me', 'http://x/api/auth/refresh', 'http://x/api/auth/me'])
    expect(calls[1].body).toEqual({ refresh_token: 'r1' })
    expect(tokens.access()).toBe('a2')
    expect(tokens.refresh()).toBe('r2')
  })

  test('many requests failing together share one refresh', async () => {
    let refreshes = 0
    const { api } = setup(async (c) => {
      if (c.url.endsWith('/refresh')) {
        refreshes += 1
        await new Promise((r) => setTimeout(r, 10))
        return json(200, { access_token: 'a2', refresh_token: 'r2' })
      }
      return c.auth === 'Bearer a2' ? json(200, { ok: c.url }) : json(401, { code: 'unauthorized', message: 'x', errors: {} })
    })
    const results = await Promise.all([api.get('/api/a'), api.get('/api/b'), api.get('/api/c')])
    expect(results.map((r) => r.ok)).toEqual(['http://x/api/a', 'http://x/api/b', 'http://x/api/c'])
    expect(refreshes).toBe(1)
  })

  test('a refused refresh ends the session', async () => {
    const events = []
    const { api, tokens } = setup((c) =>
      c.url.endsWith('/refresh') ? json(401, { code: 'unauthorized', message: 'refresh token revoked', errors: {} }) : json(401, { code: 'unauthorized', message: 'expired', errors: {} }),
    )
    tokens.subscribe((e) => events.push(e))
    const err = await api.get('/api/auth/me').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(401)
    expect(events).toContain('expired')
    expect(tokens.access()).toBeNull()
  })

  test('no refresh without a session, and never for the login call', async () => {
    const { api, calls } = setup(() => json(401, { code: 'unauthorized', message: 'wrong username or password', errors: {} }), null)
    const err = await api.post('/api/auth/login', { username: 'x', password: 'y' }, { auth: false }).catch((e) => e)
    expect(err.code).toBe('unauthorized')
    expect(calls).toHaveLength(1)
    expect(calls[0].auth).toBeNull()
  })

  test('the server error format is surfaced per field', async () => {
    const { api } = setup(() =>
      json(422, { code: 'validation_error', message: 'invalid input: password, username', errors: { username: ['Missing data for required field.'], password: ['too short'], extra: ['Unknown field.'] }, request_id: 'rid-12345678' }),
    )
    const err = await api.post('/api/auth/login', {}, { auth: false }).catch((e) => e)
    expect(err.status).toBe(422)
    expect(err.code).toBe('validation_error')
    expect(err.requestId).toBe('rid-12345678')
    expect(err.fieldMessages('username')).toEqual(['Missing data for required field.'])
    expect(err.fieldMessages('nope')).toEqual([])
    expect(err.otherFieldMessages(['username', 'password'])).toEqual(['extra: Unknown field.'])
  })

  test('extra fields of an error (retry_after) are kept', async () => {
    const { api } = setup(() => json(429, { code: 'login_throttled', message: 'too many failed logins', errors: {}, retry_after: 8, request_id: 'r' }), null)
    const err = await api.post('/api/auth/login', { username: 'x', password: 'y' }, { auth: false }).catch((e) => e)
    expect(err.status).toBe(429)
    expect(err.extra.retry_after).toBe(8)
  })

  test('a network failure is an ApiError with isNetwork, and keeps the session', async () => {
    const { api, tokens } = setup(() => {
      throw new TypeError('Failed to fetch')
    })
    const err = await api.get('/api/auth/me').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.isNetwork).toBe(true)
    expect(tokens.access()).toBe('a1')
  })

  test('a non-JSON error body still gives an ApiError', async () => {
    const { api } = setup(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    const err = await api.get('/api/x').catch((e) => e)
    expect(err.status).toBe(502)
    expect(err.code).toBe('http_502')
  })

  test('204 answers null', async () => {
    const { api } = setup(() => new Response(null, { status: 204 }))
    expect(await api.post('/api/auth/logout', { refresh_token: 'r1' })).toBeNull()
  })

  test('authFetch (PouchDB) adds the bearer token, omits cookies, refreshes on 401', async () => {
    const seen = []
    const { api } = setup((c) => {
      if (c.url.endsWith('/api/auth/refresh')) return json(200, { access_token: 'a2', refresh_token: 'r2' })
      seen.push(c.auth)
      return c.auth === 'Bearer a2' ? json(200, { db_name: 'sp_sz01' }) : json(401, { code: 'unauthorized', message: 'x', errors: {} })
    })
    const resp = await api.authFetch('http://x/sync/sp_sz01/', { method: 'GET', headers: new Headers({ Accept: 'application/json' }) })
    expect(resp.status).toBe(200)
    expect(seen).toEqual(['Bearer a1', 'Bearer a2'])
  })
})

describe('token box', () => {
  test('persists across instances and clears', () => {
    const storage = memoryStorage()
    const a = createTokenBox(storage)
    a.save({ access_token: 'x', refresh_token: 'y', user: {} })
    const b = createTokenBox(storage)
    expect(b.access()).toBe('x')
    expect(b.refresh()).toBe('y')
    b.clear()
    expect(createTokenBox(storage).access()).toBeNull()
  })

  test('garbage in storage is ignored', () => {
    const storage = memoryStorage()
    storage.setItem('aftercare.tokens', '{not json')
    expect(createTokenBox(storage).access()).toBeNull()
  })
})
