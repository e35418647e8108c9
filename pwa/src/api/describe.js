// What a person reads for an ApiError: a message for the whole form, and each
// field's messages next to that field, in the user's language. Pure (t is passed
// in) so it is unit-tested without a component.

// Messages the server's validation (marshmallow) produces, translated when known.
const FIELD_MESSAGES = [
  [/^Missing data for required field\.$/, 'validation.required'],
  [/^Field may not be null\.$/, 'validation.required'],
  [/^Shorter than minimum length 1\.$/, 'validation.required'],
  [/^Unknown field\.$/, 'validation.unknown'],
  [/^Not a valid (string|UUID|integer|boolean|email address|datetime)\.$/, 'validation.invalid'],
  [/^Longer than maximum length (\d+)\.$/, 'validation.tooLong', (m) => ({ n: m[1] })],
  [/^Length must be between (\d+) and (\d+)\.$/, 'validation.lengthBetween', (m) => ({ min: m[1], max: m[2] })],
]

export function translateFieldMessage(msg, t) {
  for (const [re, key, params] of FIELD_MESSAGES) {
    const m = re.exec(msg)
    if (m) return params ? t(key, params(m)) : t(key)
  }
  return msg
}

/** The messages of one field, translated and joined; '' when none. */
export function fieldErrorText(err, field, t) {
  const msgs = err?.fieldMessages?.(field) || []
  return msgs.map((m) => translateFieldMessage(m, t)).join(' ')
}

/** One sentence for the form; `fields` are shown at their inputs, the rest here. */
export function describeApiError(err, { t, locale, fields = [] }) {
  if (!err) return ''
  if (err.isNetwork) return t('errors.network')
  switch (err.code) {
    case 'unauthorized':
      return err.message === 'account is deactivated' ? t('errors.inactive') : t('errors.unauthorized')
    case 'login_throttled': {
      // 429 with the seconds to wait (Retry-After, and retry_after in the body): never a lock.
      const wait = Number(err.extra?.retry_after)
      if (!Number.isFinite(wait) || wait <= 0) return t('errors.throttled')
      return wait < 120 ? t('errors.throttledSeconds', { n: Math.ceil(wait) }) : t('errors.throttledMinutes', { n: Math.ceil(wait / 60) })
    }
    case 'forbidden':
      return t('errors.forbidden')
    case 'not_found':
      return t('errors.notFound')
    case 'validation_error': {
      const others = Object.entries(err.errors || {})
        .filter(([field]) => !fields.includes(field))
        .flatMap(([field, msgs]) => (Array.isArray(msgs) ? msgs : [msgs]).map((m) => `${field}: ${translateFieldMessage(String(m), t)}`))
      return others.length ? `${t('errors.validation')} ${others.join('; ')}` : t('errors.validation')
    }
    case 'too_many_requests':
      return t('errors.tooMany')
    default:
      return err.requestId
        ? t('errors.genericWithId', { message: err.message, id: err.requestId })
        : t('errors.generic', { message: err.message || err.code })
  }
}
