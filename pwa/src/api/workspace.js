// The document workspace's REST calls. Every path comes from the server's export
// (GET /api/meta/documents); nothing here names a document type. Online only.
import { api } from './index.js'
import { errorFromResponse, networkError } from './errors.js'

export const workspaceApi = {
  meta: () => api.get('/api/meta/documents'),
  list: (path, query) => api.get(path, query),
  get: (path) => api.get(path),
  create: (path, body) => api.post(path, body),
  update: (path, body) => api.patch(path, body),
  remove: (path) => api.request('DELETE', path),
  /** A lifecycle action (post, reverse …): its method and path from the export. */
  act: (action, path, body) => api.request(action.method, path, { body }),

  /** An action that sends a file (multipart, the field the export names); resolves the answer. */
  async upload(path, file, field = 'file') {
    const form = new FormData()
    form.append(field, file, file.name)
    let resp
    try {
      resp = await api.authFetch(path, { method: 'POST', body: form, headers: { Accept: 'application/json' } })
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    return resp.json()
  },

  /** A file the server makes (an export, a printed form): {blob, filename}. */
  async file(path, query = {}) {
    const qs = new URLSearchParams(query).toString()
    let resp
    try {
      resp = await api.authFetch(qs ? `${path}?${qs}` : path)
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    const disposition = resp.headers.get('Content-Disposition') || ''
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] || path.split('/').pop()
    return { blob: await resp.blob(), filename }
  },
}
