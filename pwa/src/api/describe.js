// What a person reads for an ApiError: a message for the whole form, and each
// field's messages next to that field, in the user's language. Pure (t is passed
// in) so it is unit-tested without a component.

// The server answers its messages in the language the client asks for (Accept-Language, sent by
// api/client.js) from its one catalogue (server/messages.py, where a test makes every message carry
// its zh-CN words): they are shown as given. Only what is not words is read here: a field by its
// label (`apiFields.<name>`), and the machine's codes a refusal names on purpose (a guard, "<state>:
// <event> not allowed"), by the exported state machine.
import { guardLabel, stateLabel, MACHINE } from '../repair/machine.js'

/** A machine code in words (a guard's name, "<state>: <event> not allowed"); null for anything else. */
function machineMessage(msg, t, locale) {
  if (MACHINE.guards.some((g) => g.name === msg)) return guardLabel(msg, locale)
  const m = /^(\w+): (\w+) not allowed$/.exec(msg)
  if (m && MACHINE.states.some((s) => s.name === m[1])) return t('errors.stateNotAllowed', { state: stateLabel(m[1], locale) })
  return null
}

/** A field's message as the server gave it (already in the reader's language); machine codes in words. */
export function translateFieldMessage(msg, t, locale) {
  return machineMessage(String(msg), t, locale) ?? String(msg)
}

/** A field path as people call it: "lines.0.item_id" → "第 1 行 配件", "deposit.amount" → "押金 金额". */
export function fieldLabel(field, t, te) {
  return String(field).split('.').map((part) => {
    if (/^\d+$/.test(part)) return t('apiFields.line', { n: Number(part) + 1 })
    return te && te(`apiFields.${part}`) ? t(`apiFields.${part}`) : part
  }).join(' ')
}

/** The messages of one field, joined; '' when none. */
export function fieldErrorText(err, field, t, locale) {
  const msgs = err?.fieldMessages?.(field) || []
  return msgs.map((m) => translateFieldMessage(m, t, locale)).join(' ')
}

const UNLABELLED = new Set(['state', '_schema', ''])

function fieldSentences(err, { t, te, locale, fields }) {
  return Object.entries(err.errors || {})
    .filter(([field]) => !fields.includes(field) && field !== 'permission')
    .flatMap(([field, msgs]) => (Array.isArray(msgs) ? msgs : [msgs]).map((m) => {
      const text = translateFieldMessage(String(m), t, locale)
      return UNLABELLED.has(field) ? text : `${fieldLabel(field, t, te)}${t('apiFields.sep')}${text}`
    }))
}

/**
 * A refusal reason of a status document in the reader's language. The server writes both languages
 * from its catalogue: whole (`en`, `zh-CN`) and in parts (`title`, `detail` of `field`), so the field
 * is shown by its label here. Reasons written before the parts existed show whole.
 */
export function reasonText(r, { t, te, locale }) {
  if (!r) return ''
  if (typeof r === 'string') return r
  const lang = locale === 'en' ? 'en' : 'zh-CN'
  const whole = r[lang] || r['zh-CN'] || r.en || r.code
  if (!r.title || !r.detail) return whole
  const detail = machineMessage(String(r.detail.en), t, locale) ?? r.detail[lang] ?? r.detail.en
  const title = r.title[lang] || r.title.en
  const where = UNLABELLED.has(r.field || '') ? '' : `${fieldLabel(r.field, t, te)}${t('apiFields.sep')}`
  return `${title}${lang === 'en' ? ': ' : '：'}${where}${detail}`
}

/** One sentence for the form; `fields` are shown at their inputs, the rest here. */
export function describeApiError(err, { t, te, locale, fields = [] }) {
  if (!err) return ''
  if (err.isNetwork) return t('errors.network')
  switch (err.code) {
    case 'unauthorized':
      return err.extra?.reason === 'inactive' ? t('errors.inactive') : t('errors.unauthorized')
    case 'login_throttled': {
      // 429 with the seconds to wait (Retry-After, and retry_after in the body): never a lock.
      const wait = Number(err.extra?.retry_after)
      if (!Number.isFinite(wait) || wait <= 0) return t('errors.throttled')
      return wait < 120 ? t('errors.throttledSeconds', { n: Math.ceil(wait) }) : t('errors.throttledMinutes', { n: Math.ceil(wait / 60) })
    }
    case 'forbidden': {
      const others = fieldSentences(err, { t, te, locale, fields })
      return others.length ? `${t('errors.forbidden')} ${others.join(t('apiFields.join'))}` : t('errors.forbidden')
    }
    case 'not_found':
      return err.message || t('errors.notFound')
    case 'validation_error':
    case 'period_closed': {
      const others = fieldSentences(err, { t, te, locale, fields })
      const head = err.code === 'period_closed' ? t('errors.periodClosed') : t('errors.validation')
      return others.length ? `${head} ${others.join(t('apiFields.join'))}` : head
    }
    case 'transition_refused':
      // The sentence is the server's (the guard's words); the field only carries the guard's code.
      return err.message ? `${t('errors.refused')} ${err.message}` : t('errors.refused')
    case 'conflict': {
      const others = fieldSentences(err, { t, te, locale, fields })
      const text = others.length ? others.join(t('apiFields.join')) : err.message
      return text ? `${t('errors.refused')} ${text}` : t('errors.refused')
    }
    case 'too_many_requests':
      return t('errors.tooMany')
    default: {
      const named = fieldSentences(err, { t, te, locale, fields })
      const message = err.message || named.join(t('apiFields.join')) || err.code
      return err.requestId ? t('errors.genericWithId', { message, id: err.requestId }) : t('errors.generic', { message })
    }
  }
}
