// The app's sync engine: pouchdb-browser (IndexedDB) replicating through the
// server's /sync/ proxy with the session's bearer token.
import PouchDB from 'pouchdb-browser'
import { api } from '../api/index.js'
import { SyncEngine } from './engine.js'

const listeners = new Set()

export const engine = new SyncEngine({
  PouchDB,
  remoteBase: '/sync',
  fetch: (url, opts) => api.authFetch(url, opts),
  onStatus: (status) => listeners.forEach((fn) => fn(status)),
})

export function onSyncStatus(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export { databasesFor, servicePointDb, MASTER_DB } from './names.js'
export { uuidv7 } from './ids.js'
export { deviceCode, nextProvisionalCode } from './codes.js'
