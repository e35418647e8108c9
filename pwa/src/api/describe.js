// What a person reads for an ApiError: a message for the whole form, and each
// field's messages next to that field, in the user's language. Pure (t is passed
// in) so it is unit-tested without a component.

// The server's errors carry a code and, per field, short English messages (developer text).
// People read them in their language: the field by its label (`apiFields.<name>`), the message
// through the patterns below (marshmallow's and the domain operations' own), a guard by the
// state machine's label. A message no pattern knows is not shown raw in another language: the
// field's label and a general sentence are (the English text stays for English readers).
import { guardLabel, stateLabel, MACHINE } from '../repair/machine.js'
import { ADMIN_MESSAGES } from '../admin/messages.js'

const FIELD_MESSAGES = [
  [/^Missing data for required field\.$/, 'validation.required'],
  [/^Field may not be null\.$/, 'validation.required'],
  [/^Shorter than minimum length 1\.$/, 'validation.required'],
  [/^Unknown field\.$/, 'validation.unknown'],
  [/^Not a valid (string|UUID|integer|boolean|email address|datetime|date|number|decimal)\.$/, 'validation.invalid'],
  [/^Longer than maximum length (\d+)\.$/, 'validation.tooLong', (m) => ({ n: m[1] })],
  [/^Length must be between (\d+) and (\d+)\.$/, 'validation.lengthBetween', (m) => ({ min: m[1], max: m[2] })],
  // The domain operations' messages (server/repair/operations.py, basedata/text.py …).
  [/^(required|the signature is required|a refund needs a reason|at least one line)$/, 'validation.required'],
  [/^at most (\d+) characters$/, 'validation.tooLong', (m) => ({ n: m[1] })],
  [/^must be positive$/, 'validation.positive'],
  [/^(must be an amount|at most two decimal places)$/, 'validation.money'],
  [/^too large$/, 'validation.tooLarge'],
  [/^must be (an id|a date \(YYYY-MM-DD\)|text|true or false)$/, 'validation.invalid'],
  [/^true or false$/, 'validation.invalid'],
  [/^no member with this phone/, 'validation.noMember'],
  [/^no such /, 'validation.noSuch'],
  [/^not found$/, 'validation.noSuch'],
  [/^must not be in the future$/, 'validation.future'],
  [/^must not be in the past$/, 'validation.past'],
  [/^must be 15 digits$/, 'validation.imeiLength'],
  [/^check digit is wrong \(Luhn\)$/, 'validation.imeiLuhn'],
  [/^must be a phone number/, 'validation.phone'],
  [/^more than the deposit held \((.+)\)$/, 'validation.moreThanDeposit', (m) => ({ n: m[1] })],
  [/^more than the customer paid for this repair \((.+)\)$/, 'validation.moreThanPaid', (m) => ({ n: m[1] })],
  [/^already used by another record$/, 'validation.duplicate'],
  [/^the IMEI's TAC is unknown/, 'validation.chooseModel'],
  [/^overriding the computed warranty status needs a reason$/, 'validation.overrideReason'],
  [/^upload the photo first/, 'validation.photoMissing'],
  [/^the repair level sets the labour charge/, 'validation.levelNeeded'],
  [/^(1 \(very unhappy\) to 5 \(very happy\))$/, 'validation.satisfaction'],
  [/^a whole number of parts/, 'validation.quantity'],
  [/^(pending|accepted|declined|superseded)$/, 'validation.quotationStatus', (m) => ({ status: m[1] })],
  ...ADMIN_MESSAGES,
]

/** The refusals the state machine gives as a field's message: a guard's name, or "<state>: <event> not allowed". */
function machineMessage(msg, t, locale) {
  if (MACHINE.guards.some((g) => g.name === msg)) return guardLabel(msg, locale)
  const m = /^(\w+): (\w+) not allowed$/.exec(msg)
  if (m && MACHINE.states.some((s) => s.name === m[1])) return t('errors.stateNotAllowed', { state: stateLabel(m[1], locale) })
  return null
}

/** `msg` in the reader's language, or null when no pattern knows it. */
function knownMessage(msg, t, locale) {
  for (const [re, key, params] of FIELD_MESSAGES) {
    const m = re.exec(msg)
    if (m) return params ? t(key, params(m)) : t(key)
  }
  return machineMessage(msg, t, locale)
}

export function translateFieldMessage(msg, t, locale) {
  return knownMessage(String(msg), t, locale) ?? (locale === 'en' || !locale ? String(msg) : t('validation.notAccepted'))
}

/** A field path as people call it: "lines.0.item_id" → "第 1 行 配件", "deposit.amount" → "押金 金额". */
export function fieldLabel(field, t, te) {
  return String(field).split('.').map((part) => {
    if (/^\d+$/.test(part)) return t('apiFields.line', { n: Number(part) + 1 })
    return te && te(`apiFields.${part}`) ? t(`apiFields.${part}`) : part
  }).join(' ')
}

/** The messages of one field, translated and joined; '' when none. */
export function fieldErrorText(err, field, t, locale) {
  const msgs = err?.fieldMessages?.(field) || []
  return msgs.map((m) => translateFieldMessage(m, t, locale)).join(' ')
}

function fieldSentences(err, { t, te, locale, fields }) {
  return Object.entries(err.errors || {})
    .filter(([field]) => !fields.includes(field) && field !== 'permission')
    .flatMap(([field, msgs]) => (Array.isArray(msgs) ? msgs : [msgs]).map((m) => {
      const text = translateFieldMessage(String(m), t, locale)
      return field === 'state' || field === '_schema' ? text : `${fieldLabel(field, t, te)}${t('apiFields.sep')}${text}`
    }))
}

/**
 * A refusal reason of a status document ({code, field, en, zh-CN}) in the reader's language: the
 * server writes both, but its detail (after the general sentence) is the English message of a
 * field; that part is translated like a REST error.
 */
export function reasonText(r, { t, te, locale }) {
  if (!r) return ''
  const own = r[locale] || r['zh-CN'] || r.en || r.code
  if (locale === 'en') return own
  const base = String(r['zh-CN'] || own).split('：')[0]
  const en = String(r.en || '')
  const cut = en.indexOf(': ')
  if (cut < 0) return own
  let detail = en.slice(cut + 2)
  let field = r.field || ''
  if (field && detail.startsWith(`${field}: `)) detail = detail.slice(field.length + 2)
  else if (!field) return knownMessage(detail, t, locale) ? `${base}：${knownMessage(detail, t, locale)}` : own
  const msg = knownMessage(detail, t, locale)
  if (!msg) return own
  return field === 'state' ? `${base}：${msg}` : `${base}：${fieldLabel(field, t, te)}${t('apiFields.sep')}${msg}`
}

/** One sentence for the form; `fields` are shown at their inputs, the rest here. */
export function describeApiError(err, { t, te, locale, fields = [] }) {
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
    case 'validation_error':
    case 'period_closed': {
      const others = fieldSentences(err, { t, te, locale, fields })
      const head = err.code === 'period_closed' ? t('errors.periodClosed') : t('errors.validation')
      return others.length ? `${head} ${others.join(t('apiFields.join'))}` : head
    }
    case 'transition_refused':
    case 'conflict': {
      const others = fieldSentences(err, { t, te, locale, fields })
      return others.length ? `${t('errors.refused')} ${others.join(t('apiFields.join'))}` : t('errors.refused')
    }
    case 'too_many_requests':
      return t('errors.tooMany')
    default: {
      // English developer text only for English readers; others get the fields it names.
      const named = fieldSentences(err, { t, te, locale, fields })
      const message = locale === 'en' || !locale ? err.message || err.code : named.join(t('apiFields.join')) || t('errors.refused')
      return err.requestId ? t('errors.genericWithId', { message, id: err.requestId }) : t('errors.generic', { message })
    }
  }
}
