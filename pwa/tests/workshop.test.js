// The workshop's pure logic: the events it writes (validated against the sync schema files the
// proxy uses), the engineer's queues, the parts of an order, and the rules of a box being packed,
// checked back in, and of a handover.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import { buildIntake, buildRepairEvent } from '../src/repair/events.js'
import { projectOrders } from '../src/repair/orders.js'
import { orderToken } from '../src/print/token.js'
import { buildHandover, buildPackingClose, buildPackingList, buildPackingReceive, buildPartUsed, buildRequisition, buildReturn, pieces } from '../src/workshop/events.js'
import { assignedEngineer, engineerQueues, findOrder, orderParts, partsForModel, queueOf, scanProblem } from '../src/workshop/queue.js'
import { awayOrderIds, listLines, packedElsewhere, projectLists, scanForHandover, scanIntoBox, scanReceive, withStatus } from '../src/workshop/packing.js'
import { isWorkshopDoc } from '../src/workshop/docs.js'

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
function valid(doc) {
  const v = ajv.getSchema(`urn:aftercare:sync:event:${doc.type}`)
  const ok = v(doc)
  return ok ? true : JSON.stringify(v.errors)
}

const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const U = (n) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`
const SIG = 'data:image/png;base64,iVBORw0KGgo='
const ENG = U(501)
const OTHER_ENG = U(502)
const ALL = ['repair.accept', 'repair.repair', 'repair.qc', 'repair.forward', 'repair.handover', 'repair.packing', 'repair.view']
// IMEIs with a correct Luhn digit.
const IMEI = ['861007922636579', '490154203237518', '356938035643809', '353918057542348']

let clock = 0
function at() {
  clock += 1
  return new Date(Date.UTC(2026, 10, 1, 8, 0, clock))
}
function intake(n, code) {
  return buildIntake({
    customer: { kind: 'walk_in', name: '张三', phone: '13912345678' }, imei: IMEI[n], modelId: U(900), accessories: [], symptoms: [],
    faultDescription: '不开机', photos: [], provisionalCode: code,
  }, { ...CTX, now: at() })
}
const ev = (order, event, data = {}) => buildRepairEvent(order._id, event, data, { ...CTX, now: at() })
const posted = (doc, numbers = {}) => ({ _id: `status:${doc._id}`, type: 'status', event_id: doc._id, event_type: doc.type, state: 'posted', numbers, reasons: [] })
const rejected = (doc) => ({ _id: `status:${doc._id}`, type: 'status', event_id: doc._id, event_type: doc.type, state: 'rejected', numbers: {}, reasons: [{ code: 'x', en: 'no', 'zh-CN': '不' }] })

/** Four orders: A waiting to be accepted, B accepted for ENG, C in repair by OTHER_ENG, D with QC. */
function world() {
  const a = intake(0, 'K7QD5-0001')
  const b = intake(1, 'K7QD5-0002')
  const c = intake(2, 'K7QD5-0003')
  const d = intake(3, 'K7QD5-0004')
  const docs = [a, b, c, d, posted(a, { repair_order: 'WX-SZ01-2611-00001' }), posted(b, { repair_order: 'WX-SZ01-2611-00002' })]
  docs.push(ev(b, 'accept', { engineer_id: ENG }))
  docs.push(ev(c, 'accept'), ev(c, 'start_repair', { engineer_id: OTHER_ENG }))
  docs.push(ev(d, 'accept'), ev(d, 'start_repair'), ev(d, 'finish_repair', { note: '换屏' }))
  const orders = projectOrders(docs)
  const by = Object.fromEntries(orders.map((o) => [o.provisionalCode.slice(-1), o]))
  return { orders, A: by['1'], B: by['2'], C: by['3'], D: by['4'] }
}

describe('workshop events against the sync schemas', () => {
  test('a requisition is a valid engineer_requisition naming the order', () => {
    const doc = buildRequisition({ warehouseId: U(10), engineerId: ENG, reference: ' WX-SZ01-2611-00002 ', lines: [{ itemId: U(20), quantity: 2 }, { itemId: U(21), quantity: 'x' }] }, CTX)
    expect(valid(doc)).toBe(true)
    expect(doc.reference).toBe('WX-SZ01-2611-00002')
    expect(doc.lines.map((l) => l.quantity)).toEqual(['2', '1'])
    expect(new Set(doc.lines.map((l) => l.id)).size).toBe(2)
    expect(doc).not.toHaveProperty('order_id')
  })

  test('a part used, a handover, a packing list, a receipt and a close are valid', () => {
    const part = buildPartUsed(U(1), { itemId: U(20), quantity: 1, serials: [' ', 'SN1'] }, CTX)
    expect(valid(part)).toBe(true)
    expect(part).toMatchObject({ order_id: U(1), item_id: U(20), quantity: 1, serials: ['SN1'] })
    const hand = buildHandover(U(1), { toUserId: U(3), signature: SIG, place: ' 维修台 ', note: '' }, CTX)
    expect(valid(hand)).toBe(true)
    expect(hand.place).toBe('维修台')
    expect(hand).not.toHaveProperty('note')
    const list = buildPackingList({ purpose: 'factory', manufacturerId: U(7), destinationOrgId: U(8), carrier: '顺丰', trackingNo: 'SF1', orderIds: [U(1), U(2), U(1)] }, CTX)
    expect(valid(list)).toBe(true)
    expect(list.order_id).toBe(list._id)
    expect(list.order_ids).toEqual([U(1), U(2)])
    expect(list).not.toHaveProperty('destination_org_id')
    const fwd = buildPackingList({ purpose: 'forward', manufacturerId: U(7), destinationOrgId: U(8), orderIds: [U(1)] }, CTX)
    expect(valid(fwd)).toBe(true)
    expect(fwd).not.toHaveProperty('manufacturer_id')
    const rec = buildPackingReceive(list._id, { imei: '8610 0792 2636 579', signature: SIG }, CTX)
    expect(valid(rec)).toBe(true)
    expect(rec.imei).toBe(IMEI[0])
    expect(valid(buildPackingClose(list._id, {}, CTX))).toBe(true)
  })

  test('pieces are whole numbers in range', () => {
    expect(pieces('3')).toBe(3)
    expect(pieces(0)).toBeNull()
    expect(pieces('1.5')).toBeNull()
    expect(pieces(100)).toBeNull()
  })

  test('the workshop reads its own documents and their statuses only', () => {
    const doc = buildPartUsed(U(1), { itemId: U(20) }, CTX)
    expect(isWorkshopDoc(doc)).toBe(true)
    expect(isWorkshopDoc(posted(doc))).toBe(true)
    expect(isWorkshopDoc(intake(0, 'X'))).toBe(false)
    expect(isWorkshopDoc({ _id: 'status:1', event_type: 'repair_intake' })).toBe(false)
  })
})

describe('engineer queues', () => {
  test('orders fall into queues by state and whether the repair started; oldest first', () => {
    const { orders, A, B, C, D } = world()
    const q = engineerQueues(orders, {})
    expect(q.toAccept.map((o) => o.id)).toEqual([A.id])
    expect(q.toStart.map((o) => o.id)).toEqual([B.id])
    expect(q.inRepair.map((o) => o.id)).toEqual([C.id])
    expect(q.toQc.map((o) => o.id)).toEqual([D.id])
    expect(queueOf(C)).toBe('inRepair')
  })

  test('mine: another engineer’s orders leave; unassigned ones and the intake queue stay', () => {
    const { orders, A, B, C, D } = world()
    expect(assignedEngineer(B)).toBe(ENG)
    expect(assignedEngineer(C)).toBe(OTHER_ENG)
    expect(assignedEngineer(D)).toBeNull()
    const q = engineerQueues(orders, { engineerId: ENG, mine: true })
    expect(q.toAccept.map((o) => o.id)).toEqual([A.id])
    expect(q.toStart.map((o) => o.id)).toEqual([B.id])
    expect(q.inRepair).toEqual([])
    expect(q.toQc.map((o) => o.id)).toEqual([D.id])
  })

  test('devices away in a box are not in any queue; search narrows', () => {
    const { orders, B, C } = world()
    const q = engineerQueues(orders, { away: new Set([B.id]) })
    expect(q.toStart).toEqual([])
    expect(engineerQueues(orders, { q: IMEI[2].slice(-5) }).inRepair.map((o) => o.id)).toEqual([C.id])
    expect(engineerQueues(orders, { q: 'nothing' }).inRepair).toEqual([])
  })

  test('a scan finds the order: token, IMEI, number, provisional code', () => {
    const { orders, A, B } = world()
    expect(findOrder(orders, orderToken(A.id)).id).toBe(A.id)
    expect(findOrder(orders, IMEI[1]).id).toBe(B.id)
    expect(findOrder(orders, '4901 5420 3237 518').id).toBe(B.id)
    expect(findOrder(orders, 'wx-sz01-2611-00002').id).toBe(B.id)
    expect(findOrder(orders, 'K7QD5-0001').id).toBe(A.id)
    expect(findOrder(orders, '')).toBeNull()
    expect(findOrder(orders, '123456789012347')).toBeNull()
    expect(scanProblem('12345')).toBe('imei')
    expect(scanProblem('hello')).toBe('unknown')
  })
})

describe('parts of an order', () => {
  test('drawn by reference (number or provisional code), used per item, refused documents left out', () => {
    const { B } = world()
    const wrap = (doc, sync = 'posted') => ({ doc, sync, reasons: [], numbers: {}, at: doc.created_at })
    const r1 = buildRequisition({ warehouseId: U(10), engineerId: ENG, reference: 'WX-SZ01-2611-00002', lines: [{ itemId: U(20), quantity: 2 }] }, CTX)
    const r2 = buildRequisition({ warehouseId: U(10), engineerId: ENG, reference: 'K7QD5-0002', lines: [{ itemId: U(21), quantity: 1 }] }, CTX)
    const r3 = buildRequisition({ warehouseId: U(10), engineerId: ENG, reference: 'WX-SZ01-2611-00002', lines: [{ itemId: U(22), quantity: 1 }] }, CTX)
    const other = buildRequisition({ warehouseId: U(10), engineerId: ENG, reference: 'WX-SZ01-2611-00009', lines: [{ itemId: U(20), quantity: 5 }] }, CTX)
    const p1 = buildPartUsed(B.id, { itemId: U(20) }, CTX)
    const p2 = buildPartUsed(U(77), { itemId: U(20) }, CTX)
    const res = orderParts(B, { requisitions: [wrap(r1), wrap(r2, 'pending'), wrap(r3, 'rejected'), wrap(other)], parts: [wrap(p1, 'pending'), wrap(p2)] })
    expect(res.requisitions).toHaveLength(3)
    expect(res.lines).toEqual([
      { itemId: U(20), drawn: 2, used: 1, returned: 0, left: 1, pendingDrawn: 0, pendingUsed: 1, warehouseId: U(10) },
      { itemId: U(21), drawn: 1, used: 0, returned: 0, left: 1, pendingDrawn: 1, pendingUsed: 0, warehouseId: U(10) },
    ])
  })

  test('a surplus return is a valid engineer_return and takes the unused parts out of hand', () => {
    const { B } = world()
    const wrap = (doc, sync = 'posted') => ({ doc, sync, reasons: [], numbers: {}, at: doc.created_at })
    const drawn = buildRequisition({ warehouseId: U(10), engineerId: ENG, reference: 'WX-SZ01-2611-00002', lines: [{ itemId: U(20), quantity: 3 }] }, CTX)
    const used = buildPartUsed(B.id, { itemId: U(20) }, CTX)
    const back = buildReturn({ warehouseId: U(10), engineerId: ENG, reference: 'WX-SZ01-2611-00002', lines: [{ itemId: U(20), quantity: 2 }] }, CTX)
    expect(valid(back)).toBe(true)
    expect(back).toMatchObject({ type: 'engineer_return', kind: 'surplus', warehouse_id: U(10), engineer_id: ENG })
    expect(isWorkshopDoc(back)).toBe(true)
    const res = orderParts(B, { requisitions: [wrap(drawn)], parts: [wrap(used)], returns: [wrap(back, 'pending')] })
    expect(res.lines[0]).toMatchObject({ drawn: 3, used: 1, returned: 2, left: 0 })
    // A refused return, another order's, or a defective one (the server's own) changes nothing.
    const refused = orderParts(B, { requisitions: [wrap(drawn)], parts: [wrap(used)], returns: [wrap(back, 'rejected')] })
    expect(refused.lines[0]).toMatchObject({ returned: 0, left: 2 })
    const elsewhere = buildReturn({ warehouseId: U(10), engineerId: ENG, reference: 'WX-SZ01-2611-00009', lines: [{ itemId: U(20), quantity: 2 }] }, CTX)
    const defective = { ...back, _id: U(99), kind: 'defective' }
    expect(orderParts(B, { requisitions: [wrap(drawn)], parts: [wrap(used)], returns: [wrap(elsewhere), wrap(defective)] }).lines[0].left).toBe(2)
  })

  test('the parts a model offers: its own unserialized parts, then its brand’s accessories', () => {
    const model = { id: U(900), brand_id: U(800) }
    const items = [
      { id: '1', code: 'M-SCR', kind: 'part', model_id: U(900) },
      { id: '2', code: 'M-MB', kind: 'mainboard', model_id: U(900), serialized: true },
      { id: '3', code: 'X-SCR', kind: 'part', model_id: U(901) },
      { id: '4', code: 'B-CHG', kind: 'accessory', brand_id: U(800) },
      { id: '5', code: 'M-BAT', kind: 'part', model_id: U(900), active: false },
      { id: '6', code: 'M-BAT2', kind: 'part', model_id: U(900) },
    ]
    expect(partsForModel(items, model).map((i) => i.id)).toEqual(['6', '1', '4'])
    expect(partsForModel(items, null)).toEqual([])
  })
})

describe('packing a box', () => {
  const box = (over = {}) => ({ id: 'draft-1', purpose: 'factory', orderIds: [], ...over })

  test('a device the machine lets go is packed; wrong IMEI, unknown, twice, elsewhere and refused are not', () => {
    const { orders, A, B, C } = world()
    expect(scanIntoBox(box(), IMEI[1], { orders, permissions: ALL })).toMatchObject({ ok: true, order: { id: B.id } })
    expect(scanIntoBox(box(), '', { orders })).toMatchObject({ ok: false, code: 'empty' })
    expect(scanIntoBox(box(), '861007922636578', { orders })).toMatchObject({ ok: false, code: 'imei', problem: 'luhn' })
    expect(scanIntoBox(box(), '123456789012347', { orders })).toMatchObject({ ok: false, code: 'unknown' })
    expect(scanIntoBox(box({ orderIds: [A.id, B.id] }), 'K7QD5-0002', { orders, permissions: ALL })).toMatchObject({ ok: false, code: 'duplicate', line: 2 })
    const drafts = [{ id: 'draft-2', label: '箱 2', orderIds: [B.id] }]
    expect(scanIntoBox(box(), IMEI[1], { orders, drafts, permissions: ALL })).toMatchObject({ ok: false, code: 'elsewhere', other: '箱 2' })
    // Not accepted yet (state), repair started (guard), no forwarding permission.
    expect(scanIntoBox(box(), IMEI[0], { orders, permissions: ALL })).toMatchObject({ ok: false, code: 'refused', refusal: { kind: 'state' } })
    expect(scanIntoBox(box(), IMEI[2], { orders, permissions: ALL })).toMatchObject({ ok: false, code: 'refused', refusal: { kind: 'guard', guard: 'repair_not_started' } })
    expect(scanIntoBox(box(), IMEI[1], { orders, permissions: ['repair.packing'] })).toMatchObject({ ok: false, code: 'refused', refusal: { kind: 'permission' } })
  })

  test('sent lists: status, check-in, away devices, lines', () => {
    const { orders, B } = world()
    const list = buildPackingList({ purpose: 'factory', manufacturerId: U(7), orderIds: [B.id] }, CTX)
    let lists = projectLists(withStatus([list]))
    expect(lists[0]).toMatchObject({ id: list._id, state: 'sending', number: null })
    const ordersById = new Map(orders.map((o) => [o.id, o]))
    expect([...awayOrderIds(lists, ordersById)]).toEqual([B.id])
    expect(packedElsewhere([], lists).get(B.id)).toBe(list._id)
    expect(listLines(lists[0], orders).lines[0]).toMatchObject({ seq: 1, state: 'packed', imei: IMEI[1] })

    lists = projectLists(withStatus([list, posted(list, { repair_packing_list: 'ZX-SZ01-2611-00001' })]))
    expect(lists[0]).toMatchObject({ state: 'in_transit', number: 'ZX-SZ01-2611-00001' })
    expect(scanIntoBox({ id: 'd', purpose: 'factory', orderIds: [] }, IMEI[1], { orders, lists, permissions: ALL })).toMatchObject({ ok: false, code: 'elsewhere', other: 'ZX-SZ01-2611-00001' })

    // Check-in: on the list, then again (refused), then a stranger (let through as unexpected).
    expect(scanReceive(lists[0], IMEI[1], { orders })).toMatchObject({ ok: true, imei: IMEI[1], expected: true })
    expect(scanReceive(lists[0], 'WX-SZ01-2611-00002', { orders })).toMatchObject({ ok: true, imei: IMEI[1] })
    const rec = buildPackingReceive(list._id, { imei: IMEI[1], signature: SIG }, CTX)
    lists = projectLists(withStatus([list, posted(list), rec]))
    expect(lists[0].state).toBe('receiving')
    expect(scanReceive(lists[0], IMEI[1], { orders })).toMatchObject({ ok: false, code: 'duplicate' })
    expect(scanReceive(lists[0], IMEI[3], { orders })).toMatchObject({ ok: true, expected: false })
    expect(scanReceive(lists[0], '861007922636578', { orders })).toMatchObject({ ok: false, code: 'imei' })
    expect(awayOrderIds(lists, ordersById).size).toBe(0)
    expect(listLines(lists[0], orders).lines[0].state).toBe('received')

    // A refused receipt does not count; a close ends the check-in and marks the rest missing.
    const rec2 = buildPackingReceive(list._id, { imei: IMEI[3], signature: SIG }, CTX)
    const close = buildPackingClose(list._id, {}, CTX)
    lists = projectLists(withStatus([list, posted(list), rec2, rejected(rec2), close]))
    expect(lists[0]).toMatchObject({ state: 'closed', closed: true })
    expect(lists[0].received.size).toBe(0)
    expect(listLines(lists[0], orders).lines[0].state).toBe('missing')
    expect(scanReceive(lists[0], IMEI[1], { orders })).toMatchObject({ ok: false, code: 'closed' })
    expect(awayOrderIds(lists, ordersById).size).toBe(0)
  })

  test('a refused list moves nothing', () => {
    const { orders, B } = world()
    const list = buildPackingList({ purpose: 'factory', manufacturerId: U(7), orderIds: [B.id] }, CTX)
    const lists = projectLists(withStatus([list, rejected(list)]))
    expect(lists[0].state).toBe('rejected')
    expect(awayOrderIds(lists, new Map(orders.map((o) => [o.id, o]))).size).toBe(0)
    expect(packedElsewhere([], lists).size).toBe(0)
  })
})

describe('handover', () => {
  test('open orders here, once; not a device away', () => {
    const { orders, A, B } = world()
    expect(scanForHandover([], IMEI[0], { orders })).toMatchObject({ ok: true, order: { id: A.id } })
    expect(scanForHandover([A.id], 'K7QD5-0001', { orders })).toMatchObject({ ok: false, code: 'duplicate' })
    expect(scanForHandover([], IMEI[1], { orders, away: new Set([B.id]) })).toMatchObject({ ok: false, code: 'away' })
    expect(scanForHandover([], '12', { orders })).toMatchObject({ ok: false, code: 'imei' })
    expect(scanForHandover([], 'nothing', { orders })).toMatchObject({ ok: false, code: 'unknown' })
  })
})
