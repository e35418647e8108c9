// The export's entry for the route's :type (loading the export if this is the first screen).
import { computed, ref } from 'vue'
import { useRoute } from 'vue-router'
import { useWorkspaceStore } from '../stores/workspace.js'
import { entryByKey } from '../workspace/meta.js'
import { useApiError } from './useApiError.js'

export function useWorkspaceEntry() {
  const route = useRoute()
  const store = useWorkspaceStore()
  const loaded = ref(false)
  const { message: loadError, set, clear } = useApiError()
  const entry = computed(() => entryByKey(store.meta, route.params.type))

  async function load() {
    clear()
    try {
      await store.load()
    } catch (e) {
      set(e)
    } finally {
      loaded.value = true
    }
  }

  return { entry, loaded, loadError, load, store }
}
