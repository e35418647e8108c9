// The document workspace's state: the server's description of the document types and base-data
// kinds this user may see (GET /api/meta/documents, read once per user and permissions), and the
// names of records the screens refer to, fetched once by id through each lookup's path.
// The menu's entries are kept in localStorage too, so the drawer is the same offline.
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import { workspaceApi } from '../api/workspace.js'
import { displayRecord, recordsOf, workspaceMenu } from '../workspace/meta.js'
import { useSessionStore } from './session.js'
import { useSyncStore } from './sync.js'

const MENU_KEY = 'aftercare.workspace.menu'

function readMenu(who) {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(MENU_KEY) || 'null')
    return saved && saved.who === who ? saved.entries : []
  } catch {
    return []
  }
}

function writeMenu(who, entries) {
  try {
    globalThis.localStorage?.setItem(MENU_KEY, JSON.stringify({ who, entries }))
  } catch {
    /* storage full: the menu comes back with the next load */
  }
}

export const useWorkspaceStore = defineStore('workspace', () => {
  const session = useSessionStore()
  const meta = ref(null)
  const loadedFor = ref(null)
  const loading = ref(null)
  // Who the description is for: another user, an acting administrator or new permissions reload it.
  const who = computed(() => (session.user ? [session.user.id, session.actingFor?.id || '', [...session.permissions].sort().join(',')].join('|') : ''))

  // An entry for users without a point database (headquarters' online order list) leaves a point's menu.
  const menu = computed(() => {
    const entries = meta.value && loadedFor.value === who.value ? workspaceMenu(meta.value) : readMenu(who.value)
    const hasPointDb = !!useSyncStore().pointDb
    return entries.filter((e) => e.pointDb !== false || !hasPointDb)
  })

  /** The description for the current user (one request however many screens ask at once). */
  async function load({ force = false } = {}) {
    if (!force && meta.value && loadedFor.value === who.value) return meta.value
    if (loading.value && !force) return loading.value
    const asked = who.value
    loading.value = workspaceApi.meta().then((m) => {
      meta.value = m
      loadedFor.value = asked
      writeMenu(asked, workspaceMenu(m))
      return m
    }).finally(() => {
      loading.value = null
    })
    return loading.value
  }

  // lookup path → id → record (null while loading, false when not found)
  const refs = reactive({})

  // The reactive table of a path (written through the proxy: `refs[p] ||= {}` would hand back the raw object).
  function table(lookup) {
    if (!refs[lookup.path]) refs[lookup.path] = {}
    return refs[lookup.path]
  }

  function refRecord(lookup, id) {
    return (id && refs[lookup?.path]?.[id]) || null
  }

  function refName(lookup, id) {
    return displayRecord(lookup, refRecord(lookup, id))
  }

  // A lookup whose path answers the whole list (`whole`): read once per path, shared by every field.
  const wholeLists = {}
  function wholeList(lookup) {
    wholeLists[lookup.path] ||= workspaceApi.list(lookup.path).then((answer) => {
      const records = recordsOf(answer)
      remember(lookup, records)
      return records
    }).catch((e) => {
      delete wholeLists[lookup.path] // asked again next time
      throw e
    })
    return wholeLists[lookup.path]
  }

  /** Fetch the records of these ids not known yet (a failure leaves the id unnamed). */
  async function ensureRefs(lookup, ids) {
    if (!lookup?.path) return
    const known = table(lookup)
    const missing = [...new Set(ids.filter((id) => id && known[id] === undefined))]
    if (lookup.whole) {
      if (!missing.length) return
      try {
        await wholeList(lookup)
      } catch {
        /* unnamed for now */
      }
      missing.forEach((id) => { if (known[id] === undefined) known[id] = false })
      return
    }
    missing.forEach((id) => { known[id] = null })
    await Promise.all(missing.map(async (id) => {
      try {
        known[id] = await workspaceApi.get(`${lookup.path}/${encodeURIComponent(id)}`)
      } catch {
        known[id] = false
      }
    }))
  }

  /** Records a search already brought (so choosing one names it at once). */
  function remember(lookup, records) {
    const known = table(lookup)
    for (const r of records) known[r.id] = r
  }

  return { meta, menu, load, refs, refRecord, refName, ensureRefs, remember, wholeList }
})
