// The reports' REST calls (online only): the custom report engine (/api/reports/custom: sources,
// run, export, print, saved) and the fixed reports (/api/reports/fixed, docs/reports.md).
import { api } from '../../api/index.js'
import { errorFromResponse, networkError } from '../../api/errors.js'

/** A POST whose answer is a file (the workbook, the PDF): {blob, filename}. */
async function postFile(path, body, query = {}) {
  const qs = new URLSearchParams(query).toString()
  let resp
  try {
    resp = await api.authFetch(qs ? `${path}?${qs}` : path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    })
  } catch (e) {
    throw networkError(e)
  }
  if (!resp.ok) throw await errorFromResponse(resp)
  const disposition = resp.headers.get('Content-Disposition') || ''
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] || path.split('/').pop()
  return { blob: await resp.blob(), filename }
}

const CUSTOM = '/api/reports/custom'
const FIXED = '/api/reports/fixed'

export const reportsApi = {
  sources: () => api.get(`${CUSTOM}/sources`),
  run: (spec) => api.post(`${CUSTOM}/run`, spec),
  exportFile: (spec) => postFile(`${CUSTOM}/export`, spec),
  print: (spec, title) => postFile(`${CUSTOM}/print`, spec, title ? { title } : {}),
  saved: () => api.get(`${CUSTOM}/saved`),
  getSaved: (id) => api.get(`${CUSTOM}/saved/${id}`),
  createSaved: (body) => api.post(`${CUSTOM}/saved`, body),
  updateSaved: (id, body) => api.patch(`${CUSTOM}/saved/${id}`, body),
  deleteSaved: (id) => api.request('DELETE', `${CUSTOM}/saved/${id}`),
  schedule: (id) => api.get(`${CUSTOM}/saved/${id}/schedule`),
  setSchedule: (id, body) => api.request('PUT', `${CUSTOM}/saved/${id}/schedule`, { body }),
  stopSchedule: (id) => api.request('DELETE', `${CUSTOM}/saved/${id}/schedule`),

  fixed: () => api.get(FIXED),
  runFixed: (key, filters) => api.post(`${FIXED}/${key}/run`, { filters }),
  exportFixed: (key, filters) => postFile(`${FIXED}/${key}/export`, { filters }),
  printFixed: (key, filters) => postFile(`${FIXED}/${key}/print`, { filters }),
}

/** A PDF in a new tab (the browser's viewer prints it). */
export function openPdf(blob) {
  window.open(URL.createObjectURL(blob), '_blank')
}
