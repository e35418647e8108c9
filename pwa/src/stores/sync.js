// The sync indicator's state and the lifecycle of the local databases: started for
// the organisation the user works in, restarted when it changes (switch user),
// wiped at logout.
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { databasesFor, destroyPhotos, deviceCode, engine, onSyncStatus, photoQueue } from '../sync/index.js'
import { overallStatus } from '../sync/status.js'

export const useSyncStore = defineStore('sync', () => {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  const dbs = ref({})
  const startedFor = ref(null)
  const persisted = ref(null)
  const device = ref(deviceCode())
  const photos = ref({ pending: 0, failed: [] })
  let specs = []

  onSyncStatus((status) => {
    dbs.value = status.dbs
  })
  photoQueue.onChange((counts) => {
    photos.value = counts
  })

  /** The service point database (replicated both ways), if this user has one. */
  const pointDb = ref(null)

  /**
   * Upload waiting photos first, then let events go: the server refuses an intake naming a
   * photo it does not have, so the push stays held while any photo is waiting.
   */
  async function drainPhotos() {
    const db = pointDb.value
    let counts = await photoQueue.counts()
    photos.value = counts
    if (db) engine.holdPush(db, counts.pending > 0)
    if (!counts.pending || !online.value) return counts
    const res = await photoQueue.drain()
    if (db) engine.holdPush(db, res.pending > 0)
    counts = await photoQueue.counts()
    photos.value = counts
    return counts
  }

  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      online.value = true
      engine.kick() // don't wait for the back-off
      drainPhotos().catch(() => {})
    })
    // Photos that failed to upload for want of network are tried again now and then.
    setInterval(() => {
      if (online.value && photos.value.pending) drainPhotos().catch(() => {})
    }, 15_000)
    window.addEventListener('offline', () => {
      online.value = false
    })
  }

  const overall = computed(() => overallStatus({ online: online.value, dbs: dbs.value, photos: photos.value }))

  async function startFor(org) {
    const key = org ? `${org.kind}:${org.code}` : 'none'
    if (startedFor.value === key) return
    startedFor.value = key
    specs = databasesFor(org)
    const waiting = await photoQueue.counts()
    const db = specs.find((s) => s.direction === 'both')?.name || null
    if (db) engine.holdPush(db, waiting.pending > 0)
    await engine.start(specs)
    pointDb.value = db // open now: readers may use it
    askPersistentStorage()
    drainPhotos().catch(() => {})
  }

  async function askPersistentStorage() {
    try {
      if (navigator.storage?.persist) persisted.value = await navigator.storage.persist()
    } catch {
      persisted.value = false
    }
  }

  async function stop() {
    startedFor.value = null
    pointDb.value = null
    await engine.stop()
  }

  /**
   * Run `change` (switch user / leave) with replication stopped: requests of the old
   * identity's databases must not go out with the new identity's token. If the change
   * fails, replication resumes for the organisation it served.
   */
  async function whileIdentityChanges(change, org) {
    await stop()
    try {
      return await change()
    } catch (e) {
      if (org) startFor(org).catch((err) => console.warn('aftercare: could not restart sync', err))
      throw e
    }
  }

  /** Delete the local copies of this user's databases (logout). */
  async function wipe() {
    startedFor.value = null
    pointDb.value = null
    await engine.destroyLocal(specs)
    await destroyPhotos()
    photos.value = { pending: 0, failed: [] }
    specs = []
  }

  /** Resolves once the user's local databases are open (pages opened by a reload ask before the sync has started). */
  function whenOpen() {
    if (pointDb.value) return Promise.resolve(pointDb.value)
    return new Promise((resolve) => {
      const stopWatch = watch(pointDb, (db) => {
        if (db) {
          stopWatch()
          resolve(db)
        }
      })
    })
  }

  /** Write an event made on this device into the point's database (it replicates when it can). */
  async function writeEvent(doc) {
    if (!pointDb.value) throw new Error('no service point database')
    return engine.put(pointDb.value, doc)
  }

  return { online, dbs, photos, overall, device, persisted, startedFor, pointDb, startFor, stop, wipe, whileIdentityChanges, drainPhotos, writeEvent, whenOpen }
})
