// What the report screens share: the sources (/sources, once per language), a reference's lookup
// (the workspace's, by the table /sources names), a name resolved to ids for a drill-down, and a
// document opened in the workspace by its number.
import { ref } from 'vue'
import { useRouter } from 'vue-router'
import { workspaceApi } from '../../api/workspace.js'
import { useWorkspaceStore } from '../../stores/workspace.js'
import { displayRecord, kindLookup, listQuery, recordsOf } from '../../workspace/meta.js'
import { reportsApi } from './api.js'
import { LOOKUP_KINDS, entryForNumber } from './drill.js'

const cache = { lang: null, sources: null }

export function useReports() {
  const router = useRouter()
  const workspace = useWorkspaceStore()
  const sources = ref([])

  async function loadSources(lang) {
    if (cache.lang !== lang || !cache.sources) {
      cache.sources = (await reportsApi.sources()).sources
      cache.lang = lang
    }
    sources.value = cache.sources
    return cache.sources
  }

  /** The workspace's lookup for a reference field (null when the reader may not list its kind). */
  function lookupOf(field) {
    const kind = LOOKUP_KINDS[field?.lookup] || field?.lookup
    const meta = workspace.meta
    if (!meta || !kind) return null
    const own = kindLookup(meta, kind)
    if (own) return own
    // Organisations are no base-data kind: the export's forms carry their lookup.
    for (const e of meta.documents || []) {
      for (const f of [...(e.fields || []), ...(e.list?.filters || [])]) {
        if (f.lookup?.kind === kind) return f.lookup
      }
    }
    return null
  }

  /** The ids of the records a group shows by name (exactly that name). */
  async function resolveRef(field, name) {
    await workspace.load().catch(() => null)
    const lookup = lookupOf(field)
    if (!lookup) return []
    const q = lookup.search ? { [lookup.search]: name, page_size: 50 } : { page_size: 200 }
    const found = recordsOf(await workspaceApi.list(lookup.path, q).catch(() => []))
    return found.filter((r) => r.name === name || displayRecord(lookup, r) === name).map((r) => r.id)
  }

  /** The document a number names, opened in the workspace (its list, searched, when not found). */
  async function openDocument(number) {
    const meta = await workspace.load().catch(() => null)
    const entry = entryForNumber(meta, number)
    if (!entry) return false
    const res = await workspaceApi.list(entry.path, listQuery(entry, { search: number, pageSize: 5 })).catch(() => null)
    const doc = recordsOf(res).find((r) => r.number === number)
    if (doc && entry.read) {
      const own = router.hasRoute(`ws-${entry.key}-detail`) ? `ws-${entry.key}-detail` : null
      await router.push(own ? { name: own, params: { id: doc.id } } : { name: 'workspace-document', params: { type: entry.key, id: doc.id } })
    } else {
      await router.push({ name: 'workspace-list', params: { type: entry.key }, query: entry.list.search ? { [entry.list.search]: number } : {} })
    }
    return true
  }

  return { sources, loadSources, lookupOf, resolveRef, openDocument, workspace }
}
