// The counter's input rules as the server defines them (server/repair/rules.py, exported into
// src/generated/ with the state machine): text limits, the phone pattern, money, signatures, the
// quotation's bounds and the reasons events require. The device checks these before it saves, so
// what it saves offline is what the server will accept at posting (issue 16 §9). Pure.
import generated from '../generated/repair-machine.json'

export const RULES = generated.rules

const PHONE = new RegExp(RULES.phone_pattern)
const SIGNATURE = new RegExp(RULES.signature.pattern)
const SHA256 = new RegExp(RULES.signature.sha256)

/** The server's phone rule after its normalisation (spaces and brackets dropped). */
export function phoneProblem(value) {
  const phone = String(value ?? '').replace(/[\s()]/g, '')
  if (!phone) return 'required'
  return PHONE.test(phone) ? null : 'phone'
}

/** 'tooLong' when the trimmed text is longer than the server keeps for `field`, else null. */
export function textProblem(field, value) {
  const max = RULES.text_limits[field]
  return max && String(value ?? '').trim().length > max ? 'tooLong' : null
}

export function textLimit(field) {
  return RULES.text_limits[field] || null
}

/** null | 'money' | 'positive' | 'tooLarge' for an amount typed at the counter. */
export function moneyProblem(value, { positive = true } = {}) {
  const s = String(value ?? '').trim()
  if (!new RegExp(`^\\d{1,12}(\\.\\d{1,${RULES.money.decimals}})?$`).test(s)) return 'money'
  if (positive && Number(s) <= 0) return 'positive'
  if (Number(s) > Number(RULES.money.max)) return 'tooLarge'
  return null
}

export function signatureProblem(value) {
  if (!value) return 'required'
  if (value.length > RULES.signature.max_length) return 'tooLarge'
  return SIGNATURE.test(value) || SHA256.test(value) ? null : 'invalid'
}

/** The fields `event` cannot go without (the server refuses it otherwise). */
export function requiredEventFields(event, facts = {}) {
  const out = [...(RULES.required_event_fields[event] || [])]
  if (facts.chargeable || facts.claimable) out.push(...(RULES.required_if_billed[event] || []))
  return out
}

/** The local date as YYYY-MM-DD. */
export function isoDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
