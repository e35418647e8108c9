// The app's sync engine: pouchdb-browser (IndexedDB) replicating through the
// server's /sync/ proxy with the session's bearer token.
import PouchDB from 'pouchdb-browser'
import { api, blobsApi } from '../api/index.js'
import { SyncEngine } from './engine.js'
import { PhotoQueue, PHOTO_DB } from './photos.js'
import { localName } from './names.js'

const listeners = new Set()

export const engine = new SyncEngine({
  PouchDB,
  remoteBase: '/sync',
  fetch: (url, opts) => api.authFetch(url, opts),
  onStatus: (status) => listeners.forEach((fn) => fn(status)),
})

// Photos wait here (IndexedDB, never replicated) until POST /api/blobs has them.
export const photoQueue = new PhotoQueue({
  db: new PouchDB(localName(PHOTO_DB), { auto_compaction: true }),
  upload: (data, contentType) => blobsApi.upload(data, contentType),
})

/** Delete the local photos (logout, after everything was uploaded). */
export async function destroyPhotos() {
  await photoQueue.db.destroy()
  photoQueue.db = new PouchDB(localName(PHOTO_DB), { auto_compaction: true })
}

export function onSyncStatus(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export { databasesFor, hasPointDatabase, servicePointDb, MASTER_DB } from './names.js'
export { uuidv7 } from './ids.js'
export { deviceCode, nextProvisionalCode } from './codes.js'
