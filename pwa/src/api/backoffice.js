// The back office's REST calls: base data (/api/<kind>), current stock, the dashboard.
// Online only. Uploads go through XMLHttpRequest, the one browser API that reports upload progress.
import { api, tokens } from './index.js'
import { ApiError, errorFromResponse, networkError } from './errors.js'

export const backofficeApi = {
  list: (kind, query) => api.get(`/api/${kind}`, query),
  get: (kind, id) => api.get(`/api/${kind}/${id}`),
  create: (kind, body) => api.post(`/api/${kind}`, body),
  update: (kind, id, body) => api.patch(`/api/${kind}/${id}`, body),
  stock: (query) => api.get('/api/stock/current', query),
  dashboard: (query) => api.get('/api/reports/dashboard', query),

  /** The kind's records as a file ({blob, filename}); the same columns the import reads. */
  async exportFile(kind, format = 'xlsx') {
    let resp
    try {
      resp = await api.authFetch(`/api/${kind}/export?format=${format}`)
    } catch (e) {
      throw networkError(e)
    }
    if (!resp.ok) throw await errorFromResponse(resp)
    const disposition = resp.headers.get('Content-Disposition') || ''
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] || `${kind}.${format}`
    return { blob: await resp.blob(), filename }
  },

  /**
   * POST <import path>?dry_run=… with the file (the path: the export's import action). onProgress(fraction
   * 0..1) while it uploads. Resolves the import report {rows, created, updated, unchanged, dry_run, errors}.
   */
  async importFile(path, file, { dryRun = false, onProgress = () => {} } = {}) {
    const attempt = () => upload(`${path}?dry_run=${dryRun}`, file, onProgress)
    try {
      return await attempt()
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && tokens.refresh() && (await api.refreshSession())) return attempt()
      throw e
    }
  },
}

function upload(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.setRequestHeader('Accept', 'application/json')
    const access = tokens.access()
    if (access) xhr.setRequestHeader('Authorization', `Bearer ${access}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total) onProgress(e.loaded / e.total)
    }
    xhr.upload.onload = () => onProgress(1)
    xhr.onerror = () => reject(networkError(new Error('upload failed')))
    xhr.onload = async () => {
      const resp = new Response(xhr.responseText || null, { status: xhr.status, statusText: xhr.statusText })
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText))
        } catch (e) {
          reject(new ApiError({ status: xhr.status, code: 'bad_response', message: String(e) }))
        }
      } else {
        reject(await errorFromResponse(resp))
      }
    }
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
}

/** Offer a blob as a download. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
