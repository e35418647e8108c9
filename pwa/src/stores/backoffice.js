// The back office's state: whether the device is online (the screens work online only) and
// the names of referenced records (brand, model …) shown in the lists, fetched once by id.
import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { backofficeApi } from '../api/backoffice.js'

export const useBackofficeStore = defineStore('backoffice', () => {
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => { online.value = true })
    window.addEventListener('offline', () => { online.value = false })
  }

  // kind → id → {code, name} (null while loading, false when not found)
  const refs = reactive({})

  function refRecord(kind, id) {
    if (!id) return null
    return refs[kind]?.[id] || null
  }

  /** Load what is not known yet of these ids (ignores failures: the id stays unnamed). */
  async function ensureRefs(kind, ids) {
    refs[kind] ||= {}
    const missing = [...new Set(ids.filter((id) => id && refs[kind][id] === undefined))]
    missing.forEach((id) => { refs[kind][id] = null })
    await Promise.all(missing.map(async (id) => {
      try {
        const rec = await backofficeApi.get(kind, id)
        refs[kind][id] = { id, code: rec.code, name: rec.name }
      } catch {
        refs[kind][id] = false
      }
    }))
  }

  /** Remember records already fetched (a list page, a search's options). */
  function remember(kind, records) {
    refs[kind] ||= {}
    for (const r of records) refs[kind][r.id] = { id: r.id, code: r.code, name: r.name }
  }

  function refName(kind, id) {
    const r = refRecord(kind, id)
    return r ? r.name : ''
  }

  return { online, refs, refRecord, refName, ensureRefs, remember }
})
