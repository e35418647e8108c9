// The exchange loaner slip at the counter, offline (换机备机单; src/exchange/events.js, orders.js): the
// lend and return events are what the sync schemas accept; the checks before lending name the field
// (a mode B order still waiting, a unit not out already, a due date not past); the projection merges
// the tablet's events with the server's slips: saved here until posted, a refused lend not out and
// shown with its reasons, a return saved here takes the slip back at once.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import { buildExchangeIntake, buildExchangeLoanerLend, buildExchangeLoanerReturn, loanerLendProblems, loanerRefusal } from '../src/exchange/events.js'
import { loanersOf, projectExchanges } from '../src/exchange/orders.js'

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
const valid = (doc) => {
  const v = ajv.getSchema(`urn:aftercare:sync:event:${doc.type}`)
  if (!v(doc)) throw new Error(JSON.stringify(v.errors))
  return true
}
const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const ORDER = '0190a000-0000-7000-8000-0000000000e1'
const LOANER = '867777770005017'
const SERVER_SLIP = '0190a000-0000-7000-8000-0000000000f1'
const at = (n) => ({ ...CTX, now: new Date(Date.UTC(2026, 11, 7, 2, n)) })
const status = (doc, state, extra = {}) => ({ _id: `status:${doc._id}`, event_id: doc._id, state, ...extra })
const waiting = { state: 'at_factory', sync: 'posted', facts: { mode: 'B', handed_over: false, unit_at: 'factory', replacement_received: false } }

describe('loaner events are what the sync schemas accept', () => {
  test('a lend names the order, the unit (IMEI normalised) and the due date; its id becomes the slip', () => {
    const doc = buildExchangeLoanerLend(ORDER, { serial: ` ${LOANER.slice(0, 7)} ${LOANER.slice(7)} `, dueDate: '2026-12-14', deposit: '', note: ' 客户等新机 ' }, CTX)
    expect(doc).toMatchObject({ type: 'exchange_loaner_lend', order_id: ORDER, serial: LOANER, due_date: '2026-12-14', note: '客户等新机' })
    expect(doc.deposit).toBeUndefined()
    expect(valid(doc)).toBe(true)
    const paid = buildExchangeLoanerLend(ORDER, { serial: LOANER, dueDate: '2026-12-14', deposit: '200', accountId: SERVER_SLIP }, CTX)
    expect([paid.deposit, paid.account_id]).toEqual(['200', SERVER_SLIP])
    expect(valid(paid)).toBe(true)
  })

  test('a return names the slip and its condition', () => {
    const doc = buildExchangeLoanerReturn(ORDER, SERVER_SLIP, { condition: 'good' }, CTX)
    expect(doc).toMatchObject({ type: 'exchange_loaner_return', order_id: ORDER, loaner_id: SERVER_SLIP, condition: 'good' })
    expect(valid(doc)).toBe(true)
  })
})

describe('checks before lending', () => {
  test('only a mode B order still waiting for the manufacturer takes a loaner', () => {
    expect(loanerRefusal(waiting)).toBeNull()
    expect(loanerRefusal({ ...waiting, facts: { ...waiting.facts, mode: 'A' } })).toBe('notWaiting')
    expect(loanerRefusal({ ...waiting, facts: { ...waiting.facts, handed_over: true } })).toBe('notWaiting')
    expect(loanerRefusal({ ...waiting, state: 'completed' })).toBe('notOpen')
    expect(loanerRefusal({ ...waiting, sync: 'rejected' })).toBe('notOpen')
    // An intake still saved on this tablet: the lend waits for it at the server.
    expect(loanerRefusal({ ...waiting, state: 'pending_exchange', sync: 'pending' })).toBeNull()
  })

  test('the unit, the due date and the order are named', () => {
    const today = '2026-12-07'
    expect(loanerLendProblems({ serial: LOANER, dueDate: '2026-12-14' }, { order: waiting, today })).toEqual({})
    expect(loanerLendProblems({ serial: '', dueDate: '2026-12-06' }, { order: waiting, today })).toEqual({ serial: 'required', dueDate: 'past' })
    expect(loanerLendProblems({ serial: LOANER, dueDate: '2026-12-14' }, { order: waiting, out: [LOANER], today })).toEqual({ serial: 'out' })
    expect(loanerLendProblems({ serial: LOANER, dueDate: '2026-12-14' }, { order: { ...waiting, state: 'completed' }, today })).toEqual({ order: 'notOpen' })
  })
})

describe('the projection of an order\'s loaner slips', () => {
  const intake = buildExchangeIntake({ customer: { kind: 'walk_in', name: '王芳', phone: '13800138000' }, imei: '867777770000029', modelId: ORDER, symptoms: [], faultDescription: '黑屏', mode: 'B', signature: 'x' }, at(0))

  test('a lend saved here is out and waits; posted it carries the slip number; given back here it is not out', () => {
    const lend = buildExchangeLoanerLend(intake._id, { serial: LOANER, dueDate: '2026-12-14' }, at(1))
    let [o] = projectExchanges([intake, status(intake, 'posted', { numbers: { exchange_order: 'HJ-SZ01-2612-00001' } }), lend])
    expect(o.loaners).toMatchObject([{ id: lend._id, serial: LOANER, sync: 'pending', out: true, number: null }])
    expect(o.pendingEvents).toBe(1)
    const back = buildExchangeLoanerReturn(intake._id, lend._id, { condition: 'good' }, at(2))
    ;[o] = projectExchanges([intake, status(intake, 'posted'), lend, status(lend, 'posted', { numbers: { repair_loaner: 'BJ-SZ01-2612-00003' } }), back])
    expect(o.loaners).toMatchObject([{ sync: 'posted', number: 'BJ-SZ01-2612-00003', returnSync: 'pending', out: false }])
    expect(o.pendingEvents).toBe(1)
    ;[o] = projectExchanges([intake, status(intake, 'posted'), lend, status(lend, 'posted'), back, status(back, 'posted')])
    expect([o.loaners[0].returnSync, o.loaners[0].out, o.pendingEvents]).toEqual(['posted', false, 0])
  })

  test('a refused lend is not out and keeps the server\'s reasons; a refused return leaves the slip out', () => {
    const reasons = [{ code: 'invalid', field: 'serial', message: { 'zh-CN': '备机仓没有这台', en: 'not in the loaner warehouse' } }]
    const lend = buildExchangeLoanerLend(intake._id, { serial: LOANER, dueDate: '2026-12-14' }, at(1))
    let [o] = projectExchanges([intake, status(intake, 'posted'), lend, status(lend, 'rejected', { reasons })])
    expect(o.loaners).toMatchObject([{ sync: 'rejected', out: false, reasons }])
    expect(o.pendingEvents).toBe(0)
    const ok = buildExchangeLoanerLend(intake._id, { serial: LOANER, dueDate: '2026-12-14' }, at(2))
    const back = buildExchangeLoanerReturn(intake._id, ok._id, { condition: 'good' }, at(3))
    ;[o] = projectExchanges([intake, status(intake, 'posted'), ok, status(ok, 'posted'), back, status(back, 'rejected', { reasons })])
    expect(o.loaners).toMatchObject([{ id: ok._id, out: true, returnReasons: reasons }])
  })

  test('the server\'s slips (kept from its answer) merge with this tablet\'s return of one of them', () => {
    const server = [{ id: SERVER_SLIP, number: 'BJ-SZ01-2612-00009', serial: LOANER, due_date: '2026-12-14', returned_at: null }]
    const back = buildExchangeLoanerReturn(ORDER, SERVER_SLIP, { condition: 'good' }, at(4))
    expect(loanersOf(server, [], new Map())).toMatchObject([{ id: SERVER_SLIP, sync: 'posted', out: true }])
    expect(loanersOf(server, [back], new Map())).toMatchObject([{ id: SERVER_SLIP, returnSync: 'pending', out: false }])
    const [o] = projectExchanges([back], { [ORDER]: { state: 'at_factory', number: 'HJ-SZ01-2612-00002', facts: waiting.facts, order: {}, loaners: server, steps: [], events: [] } })
    expect([o.id, o.loaners[0].out, o.pendingEvents]).toEqual([ORDER, false, 1])
  })
})
