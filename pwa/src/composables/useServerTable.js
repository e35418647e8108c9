// A q-table fed page by page by a list endpoint ({items, total, page, page_size}).
import { ref } from 'vue'
import { useApiError } from './useApiError.js'

export function useServerTable(fetchPage, { pageSize = 20, filters = () => ({}) } = {}) {
  const rows = ref([])
  const loading = ref(false)
  const pagination = ref({ page: 1, rowsPerPage: pageSize, rowsNumber: 0 })
  const { message: errorMessage, set, clear } = useApiError()

  async function onRequest(props) {
    const { page, rowsPerPage } = props.pagination
    loading.value = true
    clear()
    try {
      const res = await fetchPage({ page, page_size: rowsPerPage, ...filters() })
      rows.value = res.items
      pagination.value = { ...pagination.value, page: res.page, rowsPerPage: res.page_size, rowsNumber: res.total }
    } catch (e) {
      set(e)
    } finally {
      loading.value = false
    }
  }

  function reload() {
    return onRequest({ pagination: { ...pagination.value, page: 1 } })
  }

  return { rows, loading, pagination, errorMessage, onRequest, reload, rowsPerPageOptions: [10, 20, 50, 100] }
}
