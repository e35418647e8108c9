// The exchange events a counter writes (sync/schemas/exchange_intake.json, exchange_event.json): the
// intake (换机受理; its _id becomes the order's id) and a machine event on an order (the handover of
// the replacement with its scanned IMEI and the customer's signature, the pickup). The checks made
// before saving them are the server's exported rules (server/exchange/rules.py export(): limits,
// phone, money, signature); the offline eligibility verdict is the server's rule (device_verdict)
// checked in the tests against its own answers at the day boundaries (EXCHANGE.vectors). Pure.
import { envelope, moneyText } from '../repair/events.js'
import { buildLoanerLend, buildLoanerReturn, lendProblems } from '../repair/desk.js'
import { imeiProblem, normaliseImei } from '../repair/imei.js'
import { addMonths } from '../repair/warranty.js'
import { EXCHANGE } from './machine.js'

export const RULES = EXCHANGE.rules

const text = (v) => (typeof v === 'string' ? v.trim() : '')
const put = (doc, key, value) => {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return
  doc[key] = value
}
const tooLong = (field, value) => RULES.text_limits[field] && text(value).length > RULES.text_limits[field]
const PHONE = new RegExp(RULES.phone_pattern)
const SIGNATURE = new RegExp(RULES.signature.pattern)
const SHA256 = new RegExp(RULES.signature.sha256)

function phoneProblem(value) {
  const phone = String(value ?? '').replace(/[\s()]/g, '')
  if (!phone) return 'required'
  return PHONE.test(phone) ? null : 'phone'
}

function signatureProblem(value) {
  if (!value) return 'required'
  if (value.length > RULES.signature.max_length) return 'tooLarge'
  return SIGNATURE.test(value) || SHA256.test(value) ? null : 'invalid'
}

function moneyProblem(value) {
  const s = String(value ?? '').trim()
  if (!new RegExp(`^\\d{1,12}(\\.\\d{1,${RULES.money.decimals}})?$`).test(s)) return 'money'
  if (Number(s) > Number(RULES.money.max)) return 'tooLarge'
  return null
}

// -- events -------------------------------------------------------------------------------------

/**
 * 换机受理: its _id is the order's id (so a handover saved on this tablet right after can name it).
 * form: {customer: {kind: 'member'|'walk_in', phone, name}, imei, modelId, symptoms: [id],
 *        faultDescription, purchaseDate, mode: 'A'|'B', overrideReason, provisionalCode, note,
 *        photos: [sha256] (queued on the tablet, uploaded before the event goes), signature}
 */
export function buildExchangeIntake(form, ctx) {
  const doc = envelope('exchange_intake', ctx)
  doc.order_id = doc._id
  const c = form.customer || {}
  if (c.kind === 'member') put(doc, 'member_phone', text(c.phone).replace(/[\s()]/g, ''))
  else {
    put(doc, 'customer_name', text(c.name))
    put(doc, 'customer_phone', text(c.phone).replace(/[\s()]/g, ''))
  }
  doc.imei = normaliseImei(form.imei)
  put(doc, 'model_id', form.modelId || null)
  put(doc, 'symptom_ids', [...new Set(form.symptoms || [])])
  put(doc, 'fault_description', text(form.faultDescription))
  put(doc, 'purchase_date', form.purchaseDate || null)
  doc.mode = form.mode === 'B' ? 'B' : 'A'
  put(doc, 'override_reason', text(form.overrideReason))
  put(doc, 'photos', [...new Set(form.photos || [])])
  put(doc, 'signature', form.signature || null)
  put(doc, 'provisional_code', form.provisionalCode)
  put(doc, 'note', text(form.note))
  return doc
}

// Fields each event may carry, from the machine (every event may carry a note).
const EVENT_FIELDS = Object.fromEntries(EXCHANGE.events.map((e) => [e.event, [...new Set(['note', ...e.fields])]]))

/** One machine event on an order, e.g. hand_over {replacement_imei, signature, fee, account_id}. */
export function buildExchangeEvent(orderId, event, data, ctx) {
  const doc = envelope('exchange_event', ctx)
  doc.order_id = orderId
  doc.event = event
  for (const key of EVENT_FIELDS[event] || ['note']) {
    let v = data?.[key]
    if (key === 'replacement_imei' || key === 'imei') v = v ? normaliseImei(v) : v
    if (key === 'fee') v = moneyText(v) && Number(v) > 0 ? moneyText(v) : null
    put(doc, key, typeof v === 'string' ? v.trim() : v)
  }
  if (!doc.fee) delete doc.account_id
  return doc
}

// 换机备机单 (exchange_loaner_lend / exchange_loaner_return): repair's loaner slip lent against a mode B
// exchange while the customer waits for the manufacturer's unit, written at the counter as repair's
// desk writes its loaner events (same fields), offline like the other counter steps.

/** A loaner lent against the exchange order; the event's _id becomes the slip's id (its return names it). */
export function buildExchangeLoanerLend(orderId, form, ctx) {
  return { ...buildLoanerLend(orderId, form, ctx), type: 'exchange_loaner_lend' }
}

/** The slip `loanerId` (this tablet's or the server's) back, before the customer gets a unit of their own. */
export function buildExchangeLoanerReturn(orderId, loanerId, form, ctx) {
  return { ...buildLoanerReturn(orderId, loanerId, form, ctx), type: 'exchange_loaner_return' }
}

// The exchange states a loaner is lent in (server/repair/loaners.py _check_exchange_lendable).
export const LOANER_STATES = ['pending_exchange', 'pending_dispatch', 'at_factory', 'pending_pickup']

/** Why the order takes no loaner now (null: it may): a mode B exchange, open, whose customer has no unit yet. */
export function loanerRefusal(order) {
  if (!order || order.sync === 'rejected' || !LOANER_STATES.includes(order.state)) return 'notOpen'
  if (order.facts?.mode !== 'B' || order.facts?.handed_over) return 'notWaiting'
  return null
}

/** Lending: repair's desk checks (serial, due date not past, a deposit with its drawer) and the exchange's own. */
export function loanerLendProblems(form, { order, out = [], today } = {}) {
  const p = lendProblems(form, { order: order ? {} : null, out, ...(today ? { today } : {}) })
  const why = order ? loanerRefusal(order) : null
  if (why) p.order = why
  return p
}

// -- checks before saving ({field: code}; empty when it can be saved) ---------------------------

/**
 * The intake: customer, IMEI (Luhn), model, a fault (symptom or text), a purchase date not in the
 * future, the customer's signature on the ticket (as repair's intake), at most 20 photos, and — when the verdict allows no exchange — an override reason, which only a user with
 * exchange.override may give (`mayOverride`). `verdict`: deviceVerdict's or the server's answer.
 */
export function intakeProblems(form, { verdict = null, mayOverride = false, today }) {
  const out = {}
  const c = form.customer || {}
  const pp = phoneProblem(c.phone)
  if (pp) out.phone = pp
  else if (tooLong(c.kind === 'member' ? 'member_phone' : 'customer_phone', c.phone)) out.phone = 'tooLong'
  if (c.kind !== 'member') {
    if (!text(c.name)) out.name = 'required'
    else if (tooLong('customer_name', c.name)) out.name = 'tooLong'
  }
  const ip = imeiProblem(form.imei)
  if (ip) out.imei = ip
  if (!form.modelId) out.model = 'required'
  if (form.purchaseDate && today && form.purchaseDate > today) out.purchaseDate = 'future'
  if (!(form.symptoms || []).length && !text(form.faultDescription)) out.fault = 'required'
  else if (tooLong('fault_description', form.faultDescription)) out.fault = 'tooLong'
  if (!['A', 'B'].includes(form.mode)) out.mode = 'required'
  const sp = signatureProblem(form.signature)
  if (sp) out.signature = sp
  if ((form.photos || []).length > RULES.max_photos) out.photos = 'tooMany'
  if (verdict && !verdict.exchange) {
    if (!mayOverride) out.override = 'notAllowed'
    else if (!text(form.overrideReason)) out.override = 'required'
  }
  if (tooLong('override_reason', form.overrideReason)) out.override = 'tooLong'
  if (tooLong('note', form.note)) out.note = 'tooLong'
  return out
}

/**
 * A replacement given to the customer (hand_over, convert_to_onsite) or picked up (pickup): the
 * replacement's IMEI scanned (not the old unit's), the customer's signature, a fee with its account.
 */
export function handoverProblems(event, form, order) {
  const out = {}
  const fields = EVENT_FIELDS[event] || []
  if (fields.includes('replacement_imei')) {
    const imei = normaliseImei(form.replacementImei)
    const ip = imeiProblem(imei)
    if (ip) out.replacementImei = ip
    else if (imei === order?.imei) out.replacementImei = 'oldUnit'
  }
  const sp = signatureProblem(form.signature)
  if (sp) out.signature = sp
  const fee = String(form.fee ?? '').trim()
  if (fee && Number(fee) !== 0) {
    const mp = moneyProblem(fee)
    if (mp) out.fee = mp
    else if (!form.accountId) out.account = 'required'
  } else if (fee && moneyProblem(fee)) out.fee = 'money'
  if (fields.includes('reason') && tooLong('reason', form.reason)) out.reason = 'tooLong'
  if (tooLong('event_note', form.note)) out.note = 'tooLong'
  return out
}

// -- eligibility offline ------------------------------------------------------------------------

/** Whole days from `from` to `to` (ISO dates), as the server counts them (the day of sale not counted). */
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000)
}

/**
 * The 三包 verdict a tablet can give offline (server/exchange/rules.py device_verdict, with the rule
 * the server exported — the brand's own when this tablet kept it online, else the default): the
 * stated purchase date and the model's warranty decide, since warranty cards are not on devices;
 * earlier repairs are the server's to count (`failed`, 0 offline). The server decides again at posting.
 */
export function deviceVerdict({ rule = RULES.defaults, today, saleDate, warrantyUntil, listed, failed = 0 }) {
  const r = { return_days: 7, exchange_days: 15, repeat_repairs: 2, ...rule }
  const inWarranty = !!warrantyUntil && today <= warrantyUntil
  const days = saleDate ? daysBetween(saleDate, today) : null
  let options = []
  const reasons = []
  if (days === null) reasons.push('no_sale_date')
  else if (listed && days >= 0 && days <= r.return_days) return verdict(['return', 'exchange', 'repair'], ['within_return_days'], days, r)
  else if (listed && days >= 0 && days <= r.exchange_days) return verdict(['exchange', 'repair'], ['within_exchange_days'], days, r)
  else if (days <= r.exchange_days && !listed) reasons.push('not_listed')
  if (inWarranty && failed >= r.repeat_repairs) return verdict(['exchange', 'repair'], ['repeated_repairs'], days, r, failed)
  if (inWarranty) {
    options = ['repair']
    reasons.push('in_warranty')
  } else if (days !== null) reasons.push('out_of_warranty')
  return verdict(options, reasons, days, r, failed)
}

function verdict(options, codes, days, r, failed = 0) {
  return { options, exchange: options.includes('exchange'), days_since_sale: days, reasons: codes.map((code) => ({ code, ...reasonText(code, r, failed) })) }
}

function reasonText(code, r, failed) {
  const basis = RULES.bases[code]
  const fill = (s) => s.replace('{days}', code === 'within_return_days' ? r.return_days : r.exchange_days).replace('{count}', failed)
  return { 'zh-CN': fill(basis['zh-CN']), en: fill(basis.en) }
}

/** The offline verdict for an intake form: the stated purchase date, the model's warranty months, the listed faults of the rule. */
export function localVerdict(form, { model, rule, today }) {
  const sale = form.purchaseDate || null
  const until = sale ? addMonths(sale, model?.warranty_months ?? 12) : null
  const listedIds = rule?.performance_symptom_ids || []
  const symptoms = form.symptoms || []
  const listed = symptoms.length > 0 && (!listedIds.length || symptoms.some((s) => listedIds.includes(s)))
  return { ...deviceVerdict({ rule, today, saleDate: sale, warrantyUntil: until, listed }), sale_date: sale, warranty_until: until, local: true }
}
