// The organisation directory, cached for the screens that show names by id.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { directoryApi } from '../api/index.js'

export const useDirectoryStore = defineStore('directory', () => {
  const organisations = ref([])
  const loadedAt = ref(0)

  const byId = computed(() => Object.fromEntries(organisations.value.map((o) => [o.id, o])))

  async function loadOrganisations(force = false) {
    if (!force && loadedAt.value && Date.now() - loadedAt.value < 60_000) return organisations.value
    const page = await directoryApi.organisations({ page_size: 200 })
    organisations.value = page.items
    loadedAt.value = Date.now()
    return organisations.value
  }

  function orgName(id) {
    const org = byId.value[id]
    return org ? org.name : ''
  }

  return { organisations, byId, loadOrganisations, orgName }
})
