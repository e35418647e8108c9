// Builds the event documents the counter writes (sync/schemas/repair_*.json): every one
// carries the envelope (its _id made on this device, type, org, user, device, time) and
// only the fields its schema allows, with empty values left out — the proxy refuses a
// document its schema does not accept, so the shapes are checked against those schema
// files by the unit tests.
import { uuidv7 } from '../sync/ids.js'
import { normaliseImei } from './imei.js'
import { MACHINE } from './machine.js'
import { isoDate, moneyProblem, phoneProblem, RULES, signatureProblem, textProblem } from './rules.js'

/** RFC 3339 with the device's offset, as the envelope's pattern wants it. */
export function rfc3339(date = new Date()) {
  const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, '0')
  const off = -date.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
}

export function envelope(type, { org, userId, deviceId, now = new Date(), id = uuidv7() }) {
  if (!org || !userId || !deviceId) throw new Error('an event needs the organisation, the user and the device')
  return { _id: id, type, org, user_id: userId, device_id: deviceId, created_at: rfc3339(now) }
}

const text = (v) => (typeof v === 'string' ? v.trim() : '')
const put = (doc, key, value) => {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return
  doc[key] = value
}

/** A decimal amount as the schema's string ("120", "99.5"); null when it is not one. */
export function moneyText(value) {
  const s = String(value ?? '').trim()
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(s)) return null
  return s
}

/**
 * The intake (单机受理): its _id becomes the order's id, so order_id equals it.
 * form: {customer: {kind: 'member'|'walk_in', phone, name}, imei, modelId, colour, passcode,
 *        accessories: [id], symptoms: [id], faultDescription, appearanceNote, photos: [sha256],
 *        mode, promisedDate, deposit: {amount, accountId}, provisionalCode, note}
 */
export function buildIntake(form, ctx) {
  const doc = envelope('repair_intake', ctx)
  doc.order_id = doc._id
  const c = form.customer || {}
  if (c.kind === 'member') {
    put(doc, 'member_phone', text(c.phone))
  } else {
    put(doc, 'customer_name', text(c.name))
    put(doc, 'customer_phone', text(c.phone))
  }
  doc.imei = normaliseImei(form.imei)
  put(doc, 'model_id', form.modelId || null)
  put(doc, 'colour', text(form.colour))
  put(doc, 'passcode', typeof form.passcode === 'string' ? form.passcode : '')
  put(doc, 'accessories_received', [...new Set(form.accessories || [])])
  put(doc, 'symptom_ids', [...new Set(form.symptoms || [])])
  put(doc, 'fault_description', text(form.faultDescription))
  put(doc, 'appearance_note', text(form.appearanceNote))
  put(doc, 'photos', [...new Set(form.photos || [])])
  put(doc, 'signature', form.signature)
  put(doc, 'purchase_date', form.purchaseDate || null)
  put(doc, 'promised_date', form.promisedDate || null)
  put(doc, 'mode', form.mode && form.mode !== 'A' ? form.mode : null)
  const amount = moneyText(form.deposit?.amount)
  if (amount && Number(amount) > 0 && form.deposit.accountId) doc.deposit = { amount, account_id: form.deposit.accountId }
  put(doc, 'provisional_code', form.provisionalCode)
  put(doc, 'note', text(form.note))
  return doc
}

// Fields each event of the machine may carry, from the server's one definition (every event
// may carry a note); anything else is dropped.
const EVENT_FIELDS = Object.fromEntries(MACHINE.events.map((e) => [e.event, [...new Set(['note', ...e.fields])]]))

/** One state-machine event on an order, e.g. pickup with the customer's signature. */
export function buildRepairEvent(orderId, event, data, ctx) {
  const doc = envelope('repair_event', ctx)
  doc.order_id = orderId
  doc.event = event
  for (const key of EVENT_FIELDS[event] || ['note']) {
    const v = data?.[key]
    put(doc, key, typeof v === 'string' ? v.trim() : Array.isArray(v) ? [...new Set(v)] : v)
  }
  return doc
}

/**
 * The problems that stop an intake from being saved: {field: code}. Empty when it can be saved.
 * The server's own rules (rules.js, exported from server/repair/rules.py): what passes here is
 * refused at posting only for what a device cannot know (an unknown member, say).
 * `member`: the lookup's answer when online ({found: false} refuses an unknown member now).
 */
export function intakeProblems(form, { imeiProblem, member = null, today = isoDate() }) {
  const out = {}
  const c = form.customer || {}
  const pp = phoneProblem(c.phone)
  if (pp) out.phone = pp
  else if (textProblem(c.kind === 'member' ? 'member_phone' : 'customer_phone', c.phone)) out.phone = 'tooLong'
  else if (c.kind === 'member' && member && member.found === false) out.phone = 'noMember'
  if (c.kind !== 'member') {
    if (!text(c.name)) out.name = 'required'
    else if (textProblem('customer_name', c.name)) out.name = 'tooLong'
  }
  const ip = imeiProblem(form.imei)
  if (ip) out.imei = ip
  if (!form.modelId) out.model = 'required'
  if (textProblem('colour', form.colour)) out.colour = 'tooLong'
  if (typeof form.passcode === 'string' && form.passcode.length > RULES.text_limits.passcode) out.passcode = 'tooLong'
  if (form.purchaseDate && RULES.intake.purchase_date_not_future && form.purchaseDate > today) out.purchaseDate = 'future'
  if (!(form.symptoms || []).length && !text(form.faultDescription)) out.fault = 'required'
  else if (textProblem('fault_description', form.faultDescription)) out.fault = 'tooLong'
  if (textProblem('appearance_note', form.appearanceNote)) out.appearanceNote = 'tooLong'
  const sp = signatureProblem(form.signature)
  if (sp) out.signature = sp
  const amount = String(form.deposit?.amount ?? '').trim()
  if (amount && Number(amount) !== 0) {
    const mp = moneyProblem(amount)
    if (mp) out.deposit = mp
    else if (!form.deposit.accountId) out.depositAccount = 'required'
  } else if (amount && moneyProblem(amount, { positive: false })) out.deposit = 'money'
  return out
}

/**
 * A quotation (报价单) made on the device: its _id becomes the quotation's id, so a decision
 * written before it posts can name it. lines: [{kind: 'part', itemId, quantity} | {kind: 'labour', levelId}].
 */
export function buildQuotation(orderId, { lines, note }, ctx) {
  const doc = envelope('repair_quotation', ctx)
  doc.order_id = orderId
  doc.lines = (lines || []).map((l) => (l.kind === 'labour'
    ? { kind: 'labour', repair_level_id: l.levelId }
    : { kind: 'part', item_id: l.itemId, quantity: Math.max(1, Math.trunc(Number(l.quantity) || 1)) }))
  put(doc, 'note', text(note))
  return doc
}

/** The customer's signed answer to a quotation. */
export function buildQuotationDecision(orderId, quotationId, accepted, signature, ctx) {
  const doc = envelope('repair_quotation_decision', ctx)
  doc.order_id = orderId
  doc.quotation_id = quotationId
  doc.accepted = !!accepted
  doc.signature = signature
  return doc
}

/** What stops a quotation from being saved: {field: code}; prices come from master data (lines' unitPrice). */
export function quotationProblems({ lines, note }) {
  const out = {}
  if (!lines?.length) out.lines = 'required'
  else if (lines.length > RULES.quotation.max_lines) out.lines = 'tooMany'
  ;(lines || []).forEach((l, i) => {
    if (l.kind === 'labour' && !l.levelId) out[`lines.${i}`] = 'required'
    if (l.kind === 'part') {
      const q = Number(l.quantity)
      if (!l.itemId) out[`lines.${i}`] = 'required'
      else if (!Number.isInteger(q) || q < 1 || q > RULES.quotation.max_quantity) out[`lines.${i}`] = 'quantity'
    }
  })
  if (textProblem('quotation_note', note)) out.note = 'tooLong'
  return out
}

/** The quotation's total as the server computes it: part repair price × quantity + level labour charge, in cents. */
export function quotationTotal(lines) {
  const cents = (lines || []).reduce((sum, l) => sum + Math.round(Number(l.unitPrice || 0) * 100) * (l.kind === 'part' ? Math.max(1, Math.trunc(Number(l.quantity) || 1)) : 1), 0)
  return (cents / 100).toFixed(2)
}
