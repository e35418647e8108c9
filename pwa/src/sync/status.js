// Pure logic of the sync indicator and the retry policy (unit-tested).

/** Exponential back-off with jitter for PouchDB's back_off_function: 1 s, 2 s, 4 s … ≤ 5 min. */
export function backOff(previous, random = Math.random) {
  const base = previous ? Math.min(previous * 2, 300_000) : 1_000
  const jitter = 0.8 + random() * 0.4
  return Math.round(Math.min(base * jitter, 300_000))
}

/** The proxy answers 413 when a _bulk_docs body is too big: halve the batch, down to 1. */
export function smallerBatch(batchSize) {
  return Math.max(1, Math.floor(batchSize / 2))
}

export function isTooLarge(err) {
  return !!err && (err.status === 413 || err.name === 'payload_too_large')
}

/** Auth failures are not retried blindly: the session must be renewed first. */
export function isAuthError(err) {
  return !!err && (err.status === 401 || err.status === 403)
}

/**
 * One indicator for the header from the state of each database.
 *   offline  – the device has no network (work goes on locally)
 *   syncing  – a replication is moving documents
 *   error    – a replication failed and is retrying (reason in `errors`)
 *   online   – everything replicated as of `lastSyncAt`
 *   idle     – nothing to replicate (not logged in yet)
 */
export function overallStatus({ online, dbs, photos = { pending: 0, failed: [] } }) {
  const list = Object.values(dbs || {})
  const pendingEvents = list.reduce((n, d) => n + (d.pending || 0), 0)
  const pendingPhotos = photos?.pending || 0
  const pending = pendingEvents + pendingPhotos
  const rejected = list.flatMap((d) => (d.rejected || []).map((r) => ({ db: d.name, ...r })))
  const errors = list.filter((d) => d.error).map((d) => ({ db: d.name, ...d.error }))
  const synced = list.map((d) => d.lastSyncAt)
  const lastSyncAt = synced.length && synced.every(Boolean) ? Math.min(...synced) : null
  let state
  if (!online) state = 'offline'
  else if (list.length === 0) state = 'idle'
  else if (list.some((d) => d.state === 'error')) state = 'error'
  else if (list.some((d) => d.state === 'active' || d.state === 'connecting')) state = 'syncing'
  else state = 'online'
  return { state, pending, pendingEvents, pendingPhotos, failedPhotos: photos?.failed || [], rejected, errors, lastSyncAt }
}
