// The accessory swap at the counter (src/swap/events.js): the intake and return events are what the
// sync schema files accept (ids made here, the intake's lines' too); the checks before saving name
// the fields as the server does; the accessory rule's port answers as the server's own rule does at
// its day boundaries (the vectors exported with it); the projection and the held lines say what is
// saved here, posted, refused, and what a distributor can take back.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import {
  SWAP, buildSwapIntake, buildSwapReturn, guessClass, heldLines, intakeProblems, projectSwap, returnOrderId, returnProblems,
  splitSerials, verdictOf, warrantyUntil,
} from '../src/swap/events.js'

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
const valid = (doc) => {
  const v = ajv.getSchema(`urn:aftercare:sync:event:${doc.type}`)
  if (!v(doc)) throw new Error(JSON.stringify(v.errors))
  return true
}

const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const PARTY = '0190a000-0000-7000-8000-0000000000e1'
const CHARGER = '0190a000-0000-7000-8000-0000000000a1'
const BAT2 = '0190a000-0000-7000-8000-0000000000a2'
const status = (doc, state, extra = {}) => ({ _id: `status:${doc._id}`, event_id: doc._id, state, ...extra })
const intakeForm = (lines) => ({ partyId: PARTY, contactName: ' 李经理 ', contactPhone: '139 1234 5678', note: '', lines })

describe('swap events are what the sync schemas accept', () => {
  test('an intake: its id is the order, its lines carry ids made here, empty values left out', () => {
    const doc = buildSwapIntake(intakeForm([
      { itemId: CHARGER, quantity: '2', serials: [' C1 ', 'C2', ''], condition: 'faulty', fault: ' 不充电 ', saleDate: '2026-11-01' },
      { itemId: BAT2, quantity: 1, serials: [], condition: 'damaged', fault: '', accessoryClass: 'battery', saleDate: '' },
    ]), CTX)
    expect(doc.order_id).toBe(doc._id)
    expect(doc).toMatchObject({ type: 'swap_intake', party_id: PARTY, contact_name: '李经理', contact_phone: '13912345678' })
    expect(doc.lines[0]).toMatchObject({ item_id: CHARGER, quantity: 2, serials: ['C1', 'C2'], fault: '不充电', sale_date: '2026-11-01' })
    expect(doc.lines[1].serials).toBeUndefined()
    expect(doc.lines[1].sale_date).toBeUndefined()
    expect(doc.lines[0].id).not.toBe(doc.lines[1].id)
    expect(valid(doc)).toBe(true)
  })

  test('a return names the intake line, and another item only when it is not the one taken in', () => {
    const doc = buildSwapReturn({ partyId: PARTY, contactName: '', lines: [
      { intakeLineId: CHARGER, intakeItemId: CHARGER, itemId: CHARGER, quantity: '2', serials: ['N1', 'N2'] },
      { intakeLineId: BAT2, intakeItemId: CHARGER, itemId: BAT2, quantity: 1, note: '新版' },
    ] }, PARTY, CTX)
    expect(doc.order_id).toBe(PARTY)
    expect(doc.lines[0].item_id).toBeUndefined()
    expect(doc.lines[1]).toMatchObject({ item_id: BAT2, quantity: 1, note: '新版' })
    expect(doc.contact_name).toBeUndefined()
    expect(valid(doc)).toBe(true)
  })

  test('a hand scanner types a code and Enter; a pasted column is several codes', () => {
    expect(splitSerials('A1\nA2, A3；A4  ')).toEqual(['A1', 'A2', 'A3', 'A4'])
  })
})

describe('the accessory rule, as the server states it', () => {
  test('the exported vectors: the warranty\'s last day and the day after, month ends, leap days', () => {
    expect(SWAP.vectors.length).toBeGreaterThan(20)
    for (const v of SWAP.vectors) {
      expect([v.sale_date, v.class, v.today, v.failed, warrantyUntil(v.sale_date, v.class)]).toEqual([v.sale_date, v.class, v.today, v.failed, v.until])
      expect([v.sale_date, v.class, v.today, v.failed, verdictOf(v.sale_date, v.class, v.today, v.failed)]).toEqual([v.sale_date, v.class, v.today, v.failed, v.verdict])
    }
  })

  test('the class from the item code, as the server guesses it', () => {
    expect(guessClass('HUAWEI-CHARGER')).toBe('charger')
    expect(guessClass('HW-P60-BAT')).toBe('battery')
    expect(guessClass('HUAWEI-CASE')).toBe('other')
    expect(verdictOf(null, 'charger', '2026-12-07')).toBe('out_of_warranty')
  })
})

describe('checks before saving name the field as the server does', () => {
  test('intake', () => {
    expect(intakeProblems(intakeForm([{ itemId: CHARGER, quantity: 2, serials: ['C1', 'C2'], condition: 'faulty' }]))).toEqual({})
    const p = intakeProblems({ partyId: null, lines: [
      { itemId: null, quantity: '1.5' },
      { itemId: CHARGER, quantity: 2, serials: ['C1'] },
      { itemId: CHARGER, quantity: 2, serials: ['C1', 'C1'], saleDate: '2030-01-01', fault: 'x'.repeat(SWAP.limits.fault + 1) },
      { itemId: CHARGER, quantity: SWAP.limits.quantity + 1, condition: 'broken' },
    ] }, { today: '2026-12-07' })
    expect(p).toEqual({
      party_id: 'required', 'lines.0.item_id': 'required', 'lines.0.quantity': 'wholeNumber', 'lines.1.serials': 'onePerUnit',
      'lines.2.serials': 'twice', 'lines.2.sale_date': 'future', 'lines.2.fault': 'tooLong', 'lines.3.quantity': 'tooMany', 'lines.3.condition': 'required',
    })
    expect(intakeProblems({ partyId: PARTY, lines: [] })).toEqual({ lines: 'required' })
  })

  test('return: no more than the tablet knows is held, counted across lines of one intake line', () => {
    const held = { L1: 2 }
    expect(returnProblems({ partyId: PARTY, lines: [{ intakeLineId: 'L1', quantity: 2 }] }, { held })).toEqual({})
    expect(returnProblems({ partyId: PARTY, lines: [{ intakeLineId: 'L1', quantity: 3 }] }, { held })).toEqual({ 'lines.0.quantity': 'overHeld' })
    expect(returnProblems({ partyId: PARTY, lines: [{ intakeLineId: 'L1', quantity: 1 }, { intakeLineId: 'L1', quantity: 2 }] }, { held }))
      .toEqual({ 'lines.1.quantity': 'overHeld' })
    expect(returnProblems({ partyId: null, lines: [] })).toEqual({ party_id: 'required', lines: 'required' })
  })
})

describe('what the tablet knows', () => {
  const intake = buildSwapIntake(intakeForm([{ itemId: CHARGER, quantity: 3, serials: [], condition: 'faulty' }]), CTX)
  const lineId = intake.lines[0].id
  const names = (id) => (id === CHARGER ? { code: 'HUAWEI-CHARGER', name: '华为充电器' } : null)

  test('saved here, then posted with its number; a return made here before posting waits for the intake', () => {
    let swap = projectSwap([intake])
    expect(swap.intakes[0]).toMatchObject({ sync: 'pending', number: null })
    let held = heldLines(PARTY, swap, [], names)
    expect(held).toEqual([expect.objectContaining({ intakeLineId: lineId, held: 3, itemCode: 'HUAWEI-CHARGER', sync: 'pending' })])
    expect(returnOrderId([{ intakeLineId: lineId }], held)).toEqual({ orderId: intake._id })
    const back = buildSwapReturn({ partyId: PARTY, lines: [{ intakeLineId: lineId, quantity: 1 }] }, intake._id, CTX)
    swap = projectSwap([intake, back, status(intake, 'posted', { numbers: { swap_intake: 'FJ-SZ01-2612-00001' } })])
    expect(swap.intakes[0]).toMatchObject({ sync: 'posted', number: 'FJ-SZ01-2612-00001' })
    expect(heldLines(PARTY, swap, [], names)[0].held).toBe(2)
    // Refused: the return counts for nothing, its reasons are there to read.
    swap = projectSwap([intake, back, status(back, 'rejected', { reasons: [{ code: 'invalid', field: 'lines.0.quantity' }] })])
    expect(swap.returns[0]).toMatchObject({ sync: 'rejected', reasons: [{ field: 'lines.0.quantity' }] })
    expect(heldLines(PARTY, swap, [], names)[0].held).toBe(3)
  })

  test('the server\'s history wins for lines it knows; what came back from the factory can go back instead', () => {
    const row = { intake_line_id: lineId, intake_id: intake._id, intake_number: 'FJ-1', party_id: PARTY, item_id: CHARGER, item_code: 'HUAWEI-CHARGER', item_name: '华为充电器', serials: [], at_point: '2', at_factory: '1',
      received_items: [{ item_id: CHARGER, item_code: 'HUAWEI-CHARGER', quantity: '1' }, { item_id: BAT2, item_code: 'NEW', item_name: '新版', quantity: '1' }] }
    const held = heldLines(PARTY, projectSwap([intake]), [row], names)
    expect(held).toHaveLength(1)
    expect(held[0]).toMatchObject({ held: 2, atFactory: 1, sync: 'posted', intakeNumber: 'FJ-1' })
    expect(held[0].items.map((i) => i.itemId)).toEqual([CHARGER, BAT2])
    expect(heldLines('another', projectSwap([intake]), [row], names)).toEqual([])
    // Nothing left at the point: not offered.
    expect(heldLines(PARTY, projectSwap([]), [{ ...row, at_point: '0' }], names)).toEqual([])
  })

  test('lines of two intakes neither posted yet cannot go back in one return', () => {
    const other = buildSwapIntake(intakeForm([{ itemId: CHARGER, quantity: 1 }]), CTX)
    const held = heldLines(PARTY, projectSwap([intake, other]), [], names)
    expect(returnOrderId(held.map((h) => ({ intakeLineId: h.intakeLineId })), held)).toEqual({ problem: 'twoPending' })
  })
})
