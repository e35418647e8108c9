// The server answers every 4xx/5xx with {code, message, errors: {field: [..]}, request_id}.
// ApiError carries that body; forms read the messages of their own fields from it.

export class ApiError extends Error {
  constructor({ status = 0, code = 'error', message = '', errors = {}, requestId = null, extra = {} } = {}) {
    super(message || code)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.errors = errors || {}
    this.requestId = requestId
    this.extra = extra
  }

  /** True when the request never reached the server (offline, DNS, refused). */
  get isNetwork() {
    return this.status === 0
  }

  /** Messages for one field ("username", "lines.0.qty"), [] when none. */
  fieldMessages(field) {
    const msgs = this.errors[field]
    return Array.isArray(msgs) ? msgs : msgs ? [String(msgs)] : []
  }

  /** Field errors whose field is not in `known` (shown above the form). */
  otherFieldMessages(known) {
    return Object.entries(this.errors)
      .filter(([field]) => !known.includes(field))
      .flatMap(([field, msgs]) => (Array.isArray(msgs) ? msgs : [msgs]).map((m) => `${field}: ${m}`))
  }
}

export function networkError(cause) {
  const err = new ApiError({ status: 0, code: 'network', message: cause?.message || 'network error' })
  err.cause = cause
  return err
}

/** Build an ApiError from a failed Response (tolerates a non-JSON body). */
export async function errorFromResponse(resp) {
  let body = null
  try {
    body = await resp.json()
  } catch {
    body = null
  }
  if (body && typeof body === 'object' && typeof body.code === 'string') {
    const { code, message, errors, request_id: requestId, ...extra } = body
    return new ApiError({ status: resp.status, code, message, errors, requestId, extra })
  }
  return new ApiError({ status: resp.status, code: `http_${resp.status}`, message: resp.statusText || `HTTP ${resp.status}` })
}
