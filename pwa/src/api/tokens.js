// Where the session's token pair lives. localStorage: it survives a reload and a
// restart offline, which a counter tablet needs; the access token is short-lived
// (15 min) and the refresh token rotates on every use (see docs/architecture.md).

const KEY = 'aftercare.tokens'

export function createTokenBox(storage = globalThis.localStorage) {
  let state = read()
  const listeners = new Set()

  function read() {
    try {
      const raw = storage?.getItem(KEY)
      const parsed = raw ? JSON.parse(raw) : null
      return parsed && parsed.access_token ? parsed : null
    } catch {
      return null
    }
  }

  function emit(event, payload) {
    for (const fn of listeners) fn(event, payload)
  }

  return {
    access: () => state?.access_token ?? null,
    refresh: () => state?.refresh_token ?? null,
    /** Store a pair as the server returns it (login, refresh, switch, leave). */
    save(pair) {
      state = { access_token: pair.access_token, refresh_token: pair.refresh_token }
      storage?.setItem(KEY, JSON.stringify(state))
      emit('saved', pair)
    },
    clear() {
      state = null
      storage?.removeItem(KEY)
      emit('cleared')
    },
    /** The refresh token was refused: the session is over. */
    expired() {
      state = null
      storage?.removeItem(KEY)
      emit('expired')
    },
    subscribe(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
  }
}
