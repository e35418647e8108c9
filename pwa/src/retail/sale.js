// Retail at the counter (零售): the events a counter writes (sync/schemas/retail_sale.json,
// retail_return.json, retail_cashup.json), the money of a sale as the server counts it
// (server/trade/pricing.py: a line is quantity × price rounded half-up to the cent once; the total
// is the sum of the lines), the payment split (together at least the total, change only from cash)
// and the counter's sales projected from the point's database with their status documents. Pure.
import { envelope } from '../repair/events.js'
import { uuidv7 } from '../sync/ids.js'

const STATUS = 'status:'

// Amounts as integers of 1/10,000 yuan (prices have four places), so sums are exact.
const SCALE = 10000n

/** "5999" / "5999.5" / 5999.5 → BigInt ten-thousandths, or null when it is not a non-negative amount. */
export function units(value, places = 4) {
  const s = String(value ?? '').trim()
  if (!new RegExp(`^\\d{1,12}(\\.\\d{1,${places}})?$`).test(s)) return null
  const [whole, frac = ''] = s.split('.')
  return BigInt(whole) * SCALE + BigInt((frac + '0000').slice(0, 4))
}

/** Ten-thousandths → "1234.50" (cents). */
export function yuan(u) {
  const neg = u < 0n
  const a = neg ? -u : u
  const cents = a / 100n
  return `${neg ? '-' : ''}${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`
}

/** A line's amount: quantity × unit price, rounded half-up to the cent (the server's one rule). */
export function lineGross(quantity, price) {
  const q = BigInt(quantity)
  const p = units(price)
  if (p === null) return null
  const raw = q * p // ten-thousandths
  return ((raw + 50n) / 100n) * 100n
}

/** The sale's total (ten-thousandths) of lines [{quantity, price}]. */
export function saleTotal(lines) {
  return lines.reduce((sum, l) => sum + (lineGross(l.quantity, l.price) ?? 0n), 0n)
}

/**
 * The payment split checked as the server checks it: each account once, amounts positive (two
 * places); together at least the total; what is paid to non-cash accounts never more than the
 * total (change comes from cash). Answers {problems: {field: key}, paid, change} (ten-thousandths).
 */
export function checkPayments(total, payments, accounts) {
  const kinds = Object.fromEntries((accounts || []).map((a) => [a.id, a.kind]))
  const problems = {}
  const seen = new Set()
  let paid = 0n
  let nonCash = 0n
  payments.forEach((p, n) => {
    if (!p.accountId) problems[`payments.${n}.account_id`] = 'required'
    else if (seen.has(p.accountId)) problems[`payments.${n}.account_id`] = 'twice'
    seen.add(p.accountId)
    const u = units(p.amount, 2)
    if (u === null || u === 0n) problems[`payments.${n}.amount`] = 'money'
    else {
      paid += u
      if (kinds[p.accountId] !== 'cash') nonCash += u
    }
  })
  if (!Object.keys(problems).length) {
    if (paid < total) problems.payments = 'short'
    else if (nonCash > total) problems.payments = 'cashOnlyChange'
  }
  return { problems, paid, change: paid > total ? paid - total : 0n }
}

/**
 * 零售销售单 as an event: the sale's id is the event's _id (its receipt's QR code is L1 + it).
 * form: {warehouseId, lines: [{itemId, quantity, price, listPrice, serials}], payments: [{accountId, amount}],
 *        customerName, customerPhone, note}. A line's unit_price is sent only when it differs from the list price.
 */
export function buildSale(form, ctx) {
  const doc = envelope('retail_sale', ctx)
  doc.warehouse_id = form.warehouseId
  doc.lines = form.lines.map((l) => {
    const line = { id: uuidv7(), item_id: l.itemId, quantity: String(l.quantity) }
    if (l.price !== undefined && units(l.price) !== units(l.listPrice)) line.unit_price = String(l.price)
    if (l.serials?.length) line.serials = [...l.serials]
    return line
  })
  doc.payments = form.payments.filter((p) => p.accountId && units(p.amount, 2)).map((p) => ({ account_id: p.accountId, amount: String(p.amount).trim() }))
  if (form.customerName?.trim()) doc.customer_name = form.customerName.trim()
  if (form.customerPhone?.trim()) doc.customer_phone = form.customerPhone.trim()
  if (form.note?.trim()) doc.note = form.note.trim()
  return doc
}

/** 零售退货单: lines [{saleLineId, quantity, serials}] of the sale; refunded by the server to the accounts paid. */
export function buildReturn(saleId, form, ctx) {
  const doc = envelope('retail_return', ctx)
  doc.sale_id = saleId
  doc.lines = form.lines.filter((l) => Number(l.quantity) > 0).map((l) => ({
    sale_line_id: l.saleLineId, quantity: String(l.quantity), ...(l.serials?.length ? { serials: [...l.serials] } : {}) }))
  if (form.reason?.trim()) doc.reason = form.reason.trim()
  return doc
}

/** 日结: the amounts counted per account for the counter's day. */
export function buildCashup(form, ctx) {
  const doc = envelope('retail_cashup', ctx)
  doc.warehouse_id = form.warehouseId
  if (form.businessDate) doc.business_date = form.businessDate
  doc.counted = form.counted.filter((c) => c.accountId && units(c.amount, 2) !== null).map((c) => ({ account_id: c.accountId, amount: String(c.amount).trim() }))
  return doc
}

function syncOf(status) {
  if (!status) return 'pending'
  return status.state === 'posted' ? 'posted' : status.state === 'rejected' ? 'rejected' : 'waiting'
}

/** The day of an RFC 3339 time in the business time zone (Asia/Shanghai: +08:00, no summer time). */
export function businessDay(iso, offsetMinutes = 480) {
  const t = new Date(iso).getTime() + offsetMinutes * 60_000
  return new Date(t).toISOString().slice(0, 10)
}

/**
 * The counter's sales from the point's documents (newest first): each with its lines, payments and
 * total as written, its sync state (number and stock state once posted, reasons if refused) and
 * the returns written against it here. Cash-ups likewise. `items`: id → item (names).
 */
export function projectRetail(docs, items = {}) {
  const statuses = new Map()
  const sales = []
  const returns = []
  const cashups = []
  for (const d of docs) {
    if (!d || typeof d._id !== 'string') continue
    if (d._id.startsWith(STATUS)) statuses.set(d._id.slice(STATUS.length), d)
    else if (d.type === 'retail_sale') sales.push(d)
    else if (d.type === 'retail_return') returns.push(d)
    else if (d.type === 'retail_cashup') cashups.push(d)
  }
  const withStatus = (d) => {
    const st = statuses.get(d._id)
    return { sync: syncOf(st), numbers: st?.numbers || {}, reasons: st?.reasons || [] }
  }
  const ret = returns.map((r) => ({ id: r._id, saleId: r.sale_id, createdAt: r.created_at, day: businessDay(r.created_at), lines: r.lines, reason: r.reason || '', ...withStatus(r) }))
  const out = sales.map((s) => {
    const lines = s.lines.map((l) => ({ id: l.id, itemId: l.item_id, name: items[l.item_id]?.name || l.item_id, code: items[l.item_id]?.code || '',
      quantity: Number(l.quantity), price: l.unit_price ?? items[l.item_id]?.retail_price ?? '0', serials: l.serials || [] }))
    const total = saleTotal(lines)
    const its = ret.filter((r) => r.saleId === s._id && r.sync !== 'rejected')
    const returned = {}
    for (const r of its) for (const l of r.lines) returned[l.sale_line_id] = (returned[l.sale_line_id] || 0) + Number(l.quantity)
    const st = withStatus(s)
    return { id: s._id, createdAt: s.created_at, day: businessDay(s.created_at), warehouseId: s.warehouse_id, customerName: s.customer_name || '',
      customerPhone: s.customer_phone || '', lines, payments: s.payments, total, returns: its, returned, ...st,
      number: st.numbers.retail_sale || null, stockState: st.numbers.stock_state || null }
  })
  out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
  const ups = cashups.map((c) => ({ id: c._id, warehouseId: c.warehouse_id, day: c.business_date || businessDay(c.created_at), counted: c.counted, ...withStatus(c) }))
  return { sales: out, returns: ret, cashups: ups }
}

/**
 * What the tablet expects per account for a counter's day, from the sales it knows (kept = amount less
 * change taken from cash, as the server keeps it) less the refunds of returns it knows, refunded in
 * the order the sale was paid. An estimate offline; the server's expected figure decides.
 */
export function expectedByAccount(retail, warehouseId, day, accounts) {
  const kinds = Object.fromEntries((accounts || []).map((a) => [a.id, a.kind]))
  const out = {}
  const add = (id, u) => { out[id] = (out[id] || 0n) + u }
  for (const s of retail.sales) {
    if (s.sync === 'rejected' || s.warehouseId !== warehouseId) continue
    const kept = keptOf(s, kinds)
    if (s.day === day) for (const [id, u] of Object.entries(kept)) add(id, u)
    for (const r of s.returns) {
      if (r.day !== day) continue
      let refund = r.lines.reduce((sum, l) => {
        const line = s.lines.find((x) => x.id === l.sale_line_id)
        return sum + (line ? lineGross(Number(l.quantity), line.price) : 0n)
      }, 0n)
      for (const p of s.payments) {
        const take = refund < kept[p.account_id] ? refund : kept[p.account_id]
        if (take > 0n) { add(p.account_id, -take); refund -= take }
      }
    }
  }
  return out
}

function keptOf(sale, kinds) {
  let change = sale.payments.reduce((sum, p) => sum + units(p.amount, 2), 0n) - sale.total
  const kept = {}
  for (const p of sale.payments) {
    let u = units(p.amount, 2)
    if (kinds[p.account_id] === 'cash' && change > 0n) {
      const back = change < u ? change : u
      u -= back
      change -= back
    }
    kept[p.account_id] = u
  }
  return kept
}
