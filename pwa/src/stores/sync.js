// The sync indicator's state and the lifecycle of the local databases: started for
// the organisation the user works in, restarted when it changes (switch user),
// wiped at logout.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { databasesFor, deviceCode, engine, onSyncStatus } from '../sync/index.js'
import { overallStatus } from '../sync/status.js'

export const useSyncStore = defineStore('sync', () => {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  const dbs = ref({})
  const startedFor = ref(null)
  const persisted = ref(null)
  const device = ref(deviceCode())
  let specs = []

  onSyncStatus((status) => {
    dbs.value = status.dbs
  })

  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => {
      online.value = true
      engine.kick() // don't wait for the back-off
    })
    window.addEventListener('offline', () => {
      online.value = false
    })
  }

  const overall = computed(() => overallStatus({ online: online.value, dbs: dbs.value }))

  async function startFor(org) {
    const key = org ? `${org.kind}:${org.code}` : 'none'
    if (startedFor.value === key) return
    startedFor.value = key
    specs = databasesFor(org)
    await engine.start(specs)
    askPersistentStorage()
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
    await engine.destroyLocal(specs)
    specs = []
  }

  return { online, dbs, overall, device, persisted, startedFor, startFor, stop, wipe, whileIdentityChanges }
})
