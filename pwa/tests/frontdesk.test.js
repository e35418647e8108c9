// The repair desk offline (src/repair/desk.js): every event it builds is valid by the sync schema
// files the proxy checks; the checks before saving follow the server's exported rules; the
// projection of a point database (events + status documents) and its merge with the server's
// answers say what is saved on this tablet, posted or refused.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import {
  DESK, batchDeviceProblems, batchProblems, batchView, buildBatch, buildBatchClose, buildBatchDevice, buildBatchPickup,
  buildLoanerLend, buildLoanerReturn, buildRefund, lendProblems, loanersOfOrder, pickupProblems, projectDesk,
  refundProblems, returnProblems, serialsOut,
} from '../src/repair/desk.js'

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
const valid = (doc) => {
  const v = ajv.getSchema(`urn:aftercare:sync:event:${doc.type}`)
  const ok = v(doc)
  if (!ok) throw new Error(JSON.stringify(v.errors))
  return ok
}

const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const ORDER = '0190a000-0000-7000-8000-0000000000d1'
const ACCOUNT = '0190a000-0000-7000-8000-0000000000c1'
const PARTY = '0190a000-0000-7000-8000-0000000000e1'
const IMEI = '861007922636579'
const SIG = 'data:image/png;base64,AAAA'
const status = (doc, state, extra = {}) => ({ _id: `status:${doc._id}`, event_id: doc._id, state, ...extra })

describe('desk events are what the sync schemas accept', () => {
  test('lend, return, refund', () => {
    const lend = buildLoanerLend(ORDER, { serial: ' 8610 0792-2636579 ', dueDate: '2030-01-05', deposit: '300', accountId: ACCOUNT, note: ' 完好 ' }, CTX)
    expect(lend).toMatchObject({ type: 'repair_loaner_lend', order_id: ORDER, serial: IMEI, due_date: '2030-01-05', deposit: '300', account_id: ACCOUNT, note: '完好' })
    expect(lend.item_id).toBeUndefined() // the server finds the item from the scanned unit
    expect(valid(lend)).toBe(true)
    const bare = buildLoanerLend(ORDER, { serial: IMEI, dueDate: '2030-01-05', deposit: '', accountId: ACCOUNT }, CTX)
    expect(bare.deposit).toBeUndefined()
    expect(bare.account_id).toBeUndefined()
    expect(valid(bare)).toBe(true)
    const back = buildLoanerReturn(ORDER, lend._id, { condition: 'damaged', damageCharge: '120.5', note: '划伤' }, CTX)
    expect(back).toMatchObject({ loaner_id: lend._id, condition: 'damaged', damage_charge: '120.5' })
    expect(valid(back)).toBe(true)
    // A charge typed before "good" was chosen is not sent.
    expect(buildLoanerReturn(ORDER, lend._id, { condition: 'good', damageCharge: '10' }, CTX).damage_charge).toBeUndefined()
    const refund = buildRefund(ORDER, { amount: '30.00', accountId: ACCOUNT, reason: ' 押金多收 ' }, CTX)
    expect(refund.reason).toBe('押金多收')
    expect(valid(refund)).toBe(true)
  })

  test('a batch, its devices, close and pickup', () => {
    const batch = buildBatch({ partyId: PARTY, contactName: '张经理', contactPhone: '139 1234 5678', mode: 'A' }, CTX)
    expect(batch.order_id).toBe(batch._id)
    expect(batch.contact_phone).toBe('13912345678')
    expect(valid(batch)).toBe(true)
    const device = buildBatchDevice(batch._id, { imei: IMEI, faultDescription: ' 不开机 ' }, CTX)
    expect(device).toMatchObject({ order_id: batch._id, imei: IMEI, fault_description: '不开机' })
    expect(valid(device)).toBe(true)
    expect(valid(buildBatchClose(batch._id, CTX))).toBe(true)
    expect(valid(buildBatchPickup(batch._id, SIG, CTX))).toBe(true)
  })
})

describe('checks before saving (the server rules, exported)', () => {
  test('the rules come from the server', () => {
    expect(DESK.loaner_open_states).toContain('pending_repair')
    expect(DESK.loaner_open_states).not.toContain('completed')
    expect(DESK.batch_modes).toEqual(['A', 'B', 'C'])
  })

  test('lending', () => {
    const order = { id: ORDER, state: 'pending_repair' }
    const ok = { serial: IMEI, dueDate: '2030-01-05', deposit: '300', accountId: ACCOUNT }
    expect(lendProblems(ok, { order, today: '2030-01-01' })).toEqual({})
    expect(lendProblems(ok, { order: { state: 'completed' }, today: '2030-01-01' })).toEqual({ order: 'notOpen' })
    expect(lendProblems({ ...ok, dueDate: '2029-12-31' }, { order, today: '2030-01-01' })).toEqual({ dueDate: 'past' })
    expect(lendProblems({ ...ok, accountId: null }, { order, today: '2030-01-01' })).toEqual({ account: 'required' })
    expect(lendProblems({ ...ok, deposit: '1.234' }, { order, today: '2030-01-01' })).toEqual({ deposit: 'money' })
    expect(lendProblems({ ...ok, serial: '' }, { order, today: '2030-01-01' })).toEqual({ serial: 'required' })
    expect(lendProblems(ok, { order, out: [IMEI], today: '2030-01-01' })).toEqual({ serial: 'out' })
    expect(lendProblems({ ...ok, note: 'x'.repeat(DESK.text_limits.loaner_note + 1) }, { order, today: '2030-01-01' })).toEqual({ note: 'tooLong' })
    expect(lendProblems(ok, { order: null })).toMatchObject({ order: 'required' })
  })

  test('returning and refunds', () => {
    expect(returnProblems({ condition: 'good' })).toEqual({})
    expect(returnProblems({})).toEqual({ condition: 'required' })
    expect(returnProblems({ condition: 'good', damageCharge: '10' })).toEqual({ damageCharge: 'onlyDamaged' })
    expect(returnProblems({ condition: 'damaged', damageCharge: '400' }, { deposit: '300.00' })).toEqual({ damageCharge: 'overDeposit' })
    const order = { id: ORDER, state: 'pending_repair' }
    expect(refundProblems({ amount: '30', accountId: ACCOUNT, reason: '多收' }, { order, held: '50.00' })).toEqual({})
    expect(refundProblems({ amount: '80', accountId: ACCOUNT, reason: '多收' }, { order, held: '50.00' })).toEqual({ amount: 'overHeld' })
    expect(refundProblems({ amount: '0', accountId: null, reason: ' ' }, { order })).toEqual({ amount: 'positive', account: 'required', reason: 'required' })
    expect(refundProblems({ amount: '1', accountId: ACCOUNT, reason: 'x' }, { order: { ...order, batch: true } })).toEqual({ order: 'batch' })
  })

  test('a batch and its scans', () => {
    expect(batchProblems({ partyId: PARTY, contactPhone: '13912345678', mode: 'A' })).toEqual({})
    expect(batchProblems({ partyId: null, contactPhone: '12', mode: 'X' })).toEqual({ party: 'required', phone: 'phone', mode: 'required' })
    expect(batchDeviceProblems({ imei: IMEI, faultDescription: '不开机' }, { lines: [] })).toEqual({})
    expect(batchDeviceProblems({ imei: IMEI, faultDescription: '' }, { lines: [{ imei: IMEI, sync: 'posted' }] })).toEqual({ imei: 'inBatch', fault: 'required' })
    // A refused scan does not hold its IMEI.
    expect(batchDeviceProblems({ imei: IMEI, faultDescription: 'x' }, { lines: [{ imei: IMEI, sync: 'rejected' }] })).toEqual({})
    expect(batchDeviceProblems({ imei: '861007922636578', faultDescription: 'x' })).toEqual({ imei: 'luhn' })
    expect(pickupProblems('')).toEqual({ signature: 'required' })
    expect(pickupProblems(SIG)).toEqual({})
  })
})

describe('what the tablet knows', () => {
  test('loaner slips: saved here, posted with a number, returned; a refused return leaves it out', () => {
    const lend = buildLoanerLend(ORDER, { serial: IMEI, dueDate: '2030-01-05' }, CTX)
    const refused = buildLoanerReturn(ORDER, lend._id, { condition: 'good' }, CTX)
    let desk = projectDesk([lend])
    expect(desk.loaners[0]).toMatchObject({ sync: 'pending', number: null, returned: null })
    expect(serialsOut(desk)).toEqual([IMEI])
    desk = projectDesk([lend, status(lend, 'posted', { numbers: { repair_loaner: 'BJ-SZ01-2612-00001' } }), refused, status(refused, 'rejected', { reasons: [{ field: 'condition', en: 'x', 'zh-CN': 'x' }] })])
    expect(desk.loaners[0]).toMatchObject({ sync: 'posted', number: 'BJ-SZ01-2612-00001', returned: null })
    expect(desk.loaners[0].refusedReturns).toHaveLength(1)
    const good = buildLoanerReturn(ORDER, lend._id, { condition: 'good' }, CTX)
    desk = projectDesk([lend, good])
    expect(desk.loaners[0].returned.sync).toBe('pending')
    expect(serialsOut(desk)).toEqual([])
    // Merged with the server's list: a slip lent through the API, returned on this tablet.
    const apiSlip = { id: '0190a000-0000-7000-8000-0000000000f1', number: 'BJ-SZ01-2612-00009', serial: '1', due_date: '2030-01-09', deposit: '0.00', returned_at: null }
    const backHere = buildLoanerReturn(ORDER, apiSlip.id, { condition: 'good' }, CTX)
    const slips = loanersOfOrder(projectDesk([lend, backHere]), ORDER, [apiSlip])
    expect(slips.map((s) => [s.number, !!s.returned])).toEqual([['BJ-SZ01-2612-00009', true], [null, false]])
  })

  test('a batch opened offline, then the server answer with its lines', () => {
    const batch = buildBatch({ partyId: PARTY, contactPhone: '13912345678' }, CTX)
    const d1 = buildBatchDevice(batch._id, { imei: IMEI, faultDescription: 'x' }, CTX)
    const d2 = buildBatchDevice(batch._id, { imei: IMEI, faultDescription: 'y' }, CTX)
    let desk = projectDesk([batch, d1, d2, status(d2, 'rejected', { reasons: [{ field: 'imei', en: 'already in this batch as line 1' }] })])
    let view = batchView(batch._id, desk.batches[0], null)
    expect(view.lines.map((l) => l.sync)).toEqual(['pending', 'rejected'])
    expect(view.actions).toEqual(['add_device', 'close'])
    expect(view.sync).toBe('pending')
    const close = buildBatchClose(batch._id, CTX)
    desk = projectDesk([batch, d1, close])
    view = batchView(batch._id, desk.batches[0], null)
    expect(view.closed).toBe(true)
    expect(view.actions).toEqual([])
    expect(view.pickupBlocked).toEqual({ code: 'unknown' }) // device states not known here
    // The server's answer: the device is being repaired → not ready; then ready.
    const server = { id: batch._id, number: 'PL-SZ01-2612-00001', status: 'posted', party_id: PARTY, contact_phone: '13912345678', lines: [{ id: d1._id, line: 1, number: 'WX-1', imei: IMEI, state: 'pending_repair', bill_total: '0.00' }] }
    view = batchView(batch._id, desk.batches[0], server)
    expect(view.pickupBlocked).toEqual({ code: 'notReady', lines: ['WX-1'] })
    view = batchView(batch._id, desk.batches[0], { ...server, lines: [{ ...server.lines[0], state: 'pending_pickup', bill_total: '35.00' }] })
    expect(view.actions).toEqual(['pickup'])
    expect(view.number).toBe('PL-SZ01-2612-00001')
    expect(view.billTotal).toBe('35.00')
    const pickup = buildBatchPickup(batch._id, SIG, CTX)
    view = batchView(batch._id, projectDesk([batch, d1, close, pickup]).batches[0], { ...server, lines: [{ ...server.lines[0], state: 'pending_pickup' }] })
    expect(view).toMatchObject({ pickedUp: true, pickupSync: 'pending', actions: [] })
  })

  test('devices scanned here into a batch opened online', () => {
    const batchId = '0190a000-0000-7000-8000-0000000000b9'
    const d = buildBatchDevice(batchId, { imei: IMEI, faultDescription: 'x' }, CTX)
    const desk = projectDesk([d])
    const view = batchView(batchId, desk.elsewhere[batchId], { id: batchId, status: 'draft', lines: [], party_id: PARTY })
    expect(view.lines).toHaveLength(1)
    expect(view.actions).toEqual(['add_device', 'close'])
  })
})
