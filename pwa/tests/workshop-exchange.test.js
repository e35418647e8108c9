// Exchange units in the workshop's boxes (换机装箱单): which of the point's exchange orders wait to
// go to a manufacturer, a scan of one into a factory box (its IMEI, E1 code or HJ number) mixed with
// repair devices, the sent event naming them apart, and the check-in of the manufacturer's
// replacement naming the old unit (replaces_imei). Events validated against the sync schemas.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import { buildIntake, buildRepairEvent } from '../src/repair/events.js'
import { projectOrders } from '../src/repair/orders.js'
import { buildExchangeEvent, buildExchangeIntake } from '../src/exchange/events.js'
import { projectExchanges } from '../src/exchange/orders.js'
import { exchangeToken } from '../src/print/token.js'
import { buildPackingClose, buildPackingList, buildPackingReceive } from '../src/workshop/events.js'
import { draftLines, exchangeManufacturer, findExchange, listLines, packedElsewhere, projectLists, scanIntoBox, scanReceive, waitingExchanges, withBoxMoves, withStatus } from '../src/workshop/packing.js'

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
function valid(doc) {
  const v = ajv.getSchema(`urn:aftercare:sync:event:${doc.type}`)
  return v(doc) ? true : JSON.stringify(v.errors)
}

const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const U = (n) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`
const SIG = 'data:image/png;base64,iVBORw0KGgo='
const MAKER = U(7)
const OTHER_MAKER = U(8)
const BRAND = U(300)
const MODELS = { [U(900)]: { id: U(900), brand_id: BRAND } }
const PERMS = ['repair.forward', 'repair.packing', 'repair.view', 'exchange.view', 'exchange.dispatch']
// IMEIs with a correct Luhn digit: a repair device, three exchange units, the manufacturer's replacement.
const IMEI = ['861007922636579', '490154203237518', '356938035643809', '353918057542348', '352099001761481']

let clock = 0
const at = () => new Date(Date.UTC(2026, 10, 1, 8, 0, ++clock))
const posted = (doc, numbers = {}) => ({ _id: `status:${doc._id}`, type: 'status', event_id: doc._id, event_type: doc.type, state: 'posted', numbers, reasons: [] })

function exchangeIntake(n, mode, code) {
  return buildExchangeIntake({
    customer: { kind: 'walk_in', name: '李四', phone: '13912345678' }, imei: IMEI[n], modelId: U(900), symptoms: [],
    faultDescription: '屏幕闪烁', purchaseDate: '2026-10-30', mode, provisionalCode: code, signature: SIG,
  }, { ...CTX, now: at() })
}

/** A repair order ready to go to the factory; exchanges: B (waiting), A not handed over (not yet), A handed over (waiting). */
function world() {
  const r = buildIntake({
    customer: { kind: 'walk_in', name: '张三', phone: '13912345678' }, imei: IMEI[0], modelId: U(900), accessories: [], symptoms: [],
    faultDescription: '不开机', photos: [], provisionalCode: 'K7QD5-0001',
  }, { ...CTX, now: at() })
  const orders = projectOrders([r, posted(r, { repair_order: 'WX-SZ01-2611-00001' }), buildRepairEvent(r._id, 'accept', {}, { ...CTX, now: at() })])
  const b = exchangeIntake(1, 'B', 'K7QD5-0002')
  const a = exchangeIntake(2, 'A', 'K7QD5-0003')
  const a2 = exchangeIntake(3, 'A', 'K7QD5-0004')
  const handOver = buildExchangeEvent(a2._id, 'hand_over', { replacement_imei: IMEI[4], signature: SIG }, { ...CTX, now: at() })
  const exchanges = projectExchanges([b, a, a2, handOver, posted(b, { exchange_order: 'HJ-SZ01-2611-00001' })])
  const by = Object.fromEntries(exchanges.map((x) => [x.provisionalCode.slice(-1), x]))
  return { orders, exchanges, R: orders[0], B: by['2'], A: by['3'], A2: by['4'] }
}

describe('exchange units in a factory box', () => {
  const box = (over = {}) => ({ id: 'draft-1', purpose: 'factory', manufacturerId: MAKER, orderIds: [], exchangeIds: [], ...over })
  const opts = (w, over = {}) => ({ orders: w.orders, exchanges: w.exchanges, permissions: PERMS, models: MODELS, rules: [{ brand_id: BRAND, manufacturer_id: MAKER }], ...over })

  test('the manufacturer: the order\'s own, else its brand\'s rule, else the default rule', () => {
    const { B } = world()
    expect(exchangeManufacturer(B, { models: MODELS, rules: [{ brand_id: null, manufacturer_id: OTHER_MAKER }, { brand_id: BRAND, manufacturer_id: MAKER }] })).toBe(MAKER)
    expect(exchangeManufacturer(B, { models: MODELS, rules: [{ brand_id: null, manufacturer_id: OTHER_MAKER }] })).toBe(OTHER_MAKER)
    expect(exchangeManufacturer(B, { models: {}, rules: [] })).toBe(null)
    expect(exchangeManufacturer({ ...B, manufacturerId: U(9) }, { models: MODELS, rules: [{ brand_id: BRAND, manufacturer_id: MAKER }] })).toBe(U(9))
  })

  test('waiting to be sent: mode B now, mode A once handed over; not in another box, not another manufacturer\'s', () => {
    const w = world()
    expect(waitingExchanges(box(), w.exchanges, opts(w)).map((x) => x.id).sort()).toEqual([w.B.id, w.A2.id].sort())
    expect(waitingExchanges(box({ manufacturerId: OTHER_MAKER }), w.exchanges, opts(w))).toEqual([])
    // Manufacturer not known on the tablet: the box's becomes the unit's when it is sent.
    expect(waitingExchanges(box({ manufacturerId: OTHER_MAKER }), w.exchanges, opts(w, { rules: [] })).length).toBe(2)
    expect(waitingExchanges(box({ purpose: 'forward' }), w.exchanges, opts(w))).toEqual([])
    const drafts = [{ id: 'draft-2', orderIds: [w.B.id], exchangeIds: [w.B.id] }]
    expect(waitingExchanges(box(), w.exchanges, opts(w, { drafts })).map((x) => x.id)).toEqual([w.A2.id])
    expect(waitingExchanges(box(), w.exchanges, opts(w, { permissions: ['repair.packing'] }))).toEqual([])
  })

  test('found by the old unit\'s IMEI, the E1 code, the HJ number or the provisional code', () => {
    const { exchanges, B, A2 } = world()
    expect(findExchange(exchanges, IMEI[1])?.id).toBe(B.id)
    expect(findExchange(exchanges, exchangeToken(A2.id))?.id).toBe(A2.id)
    expect(findExchange(exchanges, 'hj-sz01-2611-00001')?.id).toBe(B.id)
    expect(findExchange(exchanges, 'K7QD5-0004')?.id).toBe(A2.id)
    expect(findExchange(exchanges, IMEI[0])).toBe(null)
  })

  test('a scan packs a repair device first, else an exchange unit; the refusals name why', () => {
    const w = world()
    expect(scanIntoBox(box(), IMEI[0], opts(w))).toMatchObject({ ok: true, order: { id: w.R.id } })
    expect(scanIntoBox(box(), IMEI[1], opts(w))).toMatchObject({ ok: true, exchange: { id: w.B.id, number: 'HJ-SZ01-2611-00001' } })
    expect(scanIntoBox(box(), exchangeToken(w.A2.id), opts(w))).toMatchObject({ ok: true, exchange: { id: w.A2.id } })
    expect(scanIntoBox(box({ orderIds: [w.R.id, w.B.id], exchangeIds: [w.B.id] }), IMEI[1], opts(w))).toMatchObject({ ok: false, code: 'duplicate', line: 2 })
    expect(scanIntoBox(box(), IMEI[1], opts(w, { drafts: [{ id: 'draft-2', label: '箱 2', orderIds: [w.B.id], exchangeIds: [w.B.id] }] }))).toMatchObject({ ok: false, code: 'elsewhere', other: '箱 2' })
    expect(scanIntoBox(box({ purpose: 'forward' }), IMEI[1], opts(w))).toMatchObject({ ok: false, code: 'factoryOnly' })
    expect(scanIntoBox(box({ manufacturerId: OTHER_MAKER }), IMEI[1], opts(w))).toMatchObject({ ok: false, code: 'otherMaker', manufacturerId: MAKER })
    // Mode A before the replacement is handed over: the machine's guard; no permission to dispatch.
    expect(scanIntoBox(box(), IMEI[2], opts(w))).toMatchObject({ ok: false, code: 'refused', refusal: { kind: 'guard', guard: 'handed_over_or_factory_mode' } })
    expect(scanIntoBox(box(), IMEI[1], opts(w, { permissions: ['repair.packing'] }))).toMatchObject({ ok: false, code: 'refused', refusal: { kind: 'permission' } })
  })

  test('a mixed box is sent naming both kinds; lines numbered as the server numbers them', () => {
    const w = world()
    const draft = box({ orderIds: [w.B.id, w.R.id], exchangeIds: [w.B.id] })
    expect(draftLines(draft, w.orders, w.exchanges).map((l) => [l.seq, l.kind, l.imei])).toEqual([[1, 'exchange', IMEI[1]], [2, 'repair', IMEI[0]]])
    const list = buildPackingList(draft, CTX)
    expect(valid(list)).toBe(true)
    expect(list).toMatchObject({ order_ids: [w.R.id], exchange_order_ids: [w.B.id] })
    expect(buildPackingList(box({ orderIds: [w.R.id] }), CTX).exchange_order_ids).toBeUndefined()
    const lists = projectLists(withStatus([list, posted(list, { repair_packing_list: 'ZX-SZ01-2611-00001' })]))
    expect(lists[0]).toMatchObject({ state: 'in_transit', orderIds: [w.R.id], exchangeIds: [w.B.id] })
    expect(packedElsewhere([], lists).get(w.B.id)).toBe('ZX-SZ01-2611-00001')
    expect(waitingExchanges(box({ id: 'other' }), w.exchanges, opts(w, { lists })).map((x) => x.id)).toEqual([w.A2.id])
    expect(listLines(lists[0], w.orders, w.exchanges).lines.map((l) => [l.seq, l.kind, l.state, l.exchange?.number || l.order?.number])).toEqual([
      [1, 'repair', 'in_transit', 'WX-SZ01-2611-00001'], [2, 'exchange', 'in_transit', 'HJ-SZ01-2611-00001']])
  })

  test('check-in: the old unit named, then its replacement scanned; a stranger offers the units still out', () => {
    const w = world()
    const list = buildPackingList(box({ orderIds: [w.R.id, w.B.id], exchangeIds: [w.B.id] }), CTX)
    let lists = projectLists(withStatus([list, posted(list)]))
    const o = { orders: w.orders, exchanges: w.exchanges }
    // Naming the old unit (IMEI, E1 code, HJ number) chooses its line; the next scan is the new unit.
    const named = scanReceive(lists[0], IMEI[1], o)
    expect(named).toMatchObject({ ok: true, replace: { kind: 'exchange', imei: IMEI[1] } })
    expect(scanReceive(lists[0], exchangeToken(w.B.id), o)).toMatchObject({ ok: true, replace: { orderId: w.B.id } })
    expect(scanReceive(lists[0], 'HJ-SZ01-2611-00001', o)).toMatchObject({ ok: true, replace: { orderId: w.B.id } })
    expect(scanReceive(lists[0], IMEI[1], { ...o, replacing: named.replace })).toMatchObject({ ok: false, code: 'sameUnit' })
    expect(scanReceive(lists[0], 'HJ-X', { ...o, replacing: named.replace })).toMatchObject({ ok: false, code: 'unknown' })
    expect(scanReceive(lists[0], IMEI[4], { ...o, replacing: named.replace })).toMatchObject({ ok: true, imei: IMEI[4], replacesImei: IMEI[1], expected: true, exchange: { id: w.B.id } })
    // A new IMEI scanned first: let through, with the exchange units still out to choose from.
    expect(scanReceive(lists[0], IMEI[4], o)).toMatchObject({ ok: true, expected: false, candidates: [{ orderId: w.B.id }] })
    expect(scanReceive(lists[0], IMEI[0], o)).toMatchObject({ ok: true, expected: true, order: { id: w.R.id } })

    const rec = buildPackingReceive(list._id, { imei: IMEI[4], replacesImei: IMEI[1], signature: SIG }, CTX)
    expect(valid(rec)).toBe(true)
    expect(rec).toMatchObject({ imei: IMEI[4], replaces_imei: IMEI[1] })
    lists = projectLists(withStatus([list, posted(list), rec]))
    expect(lists[0].state).toBe('receiving')
    const { lines, unexpected } = listLines(lists[0], w.orders, w.exchanges)
    expect(lines[1]).toMatchObject({ kind: 'exchange', state: 'received', replacementImei: IMEI[4] })
    expect(lines[0].state).toBe('in_transit')
    expect(unexpected).toEqual([])
    expect(scanReceive(lists[0], IMEI[1], o)).toMatchObject({ ok: false, code: 'duplicate' })
    expect(scanReceive(lists[0], IMEI[4], o)).toMatchObject({ ok: false, code: 'duplicate' })
    expect(scanReceive(lists[0], IMEI[3], o)).toMatchObject({ ok: true, expected: false, candidates: [] })
  })

  test('the boxes move the exchange orders on: sent (at the factory), replaced (waiting for pickup), not waiting once closed', () => {
    const w = world()
    const list = buildPackingList(box({ orderIds: [w.B.id, w.A2.id], exchangeIds: [w.B.id, w.A2.id] }), CTX)
    const o = opts(w)
    // Sent and posted: the units are at the factory; another box refuses them by the box they are in.
    let lists = projectLists(withStatus([list, posted(list, { repair_packing_list: 'ZX-SZ01-2611-00002' })]))
    let xs = withBoxMoves(w.exchanges, lists)
    expect(xs.find((x) => x.id === w.B.id)).toMatchObject({ state: 'at_factory', facts: { unit_at: 'transit' } })
    expect(xs.find((x) => x.id === w.A.id)).toBe(w.exchanges.find((x) => x.id === w.A.id))
    expect(scanIntoBox(box({ id: 'other' }), IMEI[1], { ...o, exchanges: xs, lists })).toMatchObject({ ok: false, code: 'elsewhere', other: 'ZX-SZ01-2611-00002' })
    // Replacements checked in: B waits for its customer, the on-site A2 is complete.
    const recB = buildPackingReceive(list._id, { imei: IMEI[4], replacesImei: IMEI[1], signature: SIG }, CTX)
    const recA = buildPackingReceive(list._id, { imei: '356938035643817', replacesImei: IMEI[3], signature: SIG }, CTX)
    lists = projectLists(withStatus([list, posted(list), recB, recA, buildPackingClose(list._id, {}, CTX)]))
    xs = withBoxMoves(w.exchanges, lists)
    expect(xs.find((x) => x.id === w.B.id)).toMatchObject({ state: 'pending_pickup', facts: { replacement_received: true } })
    expect(xs.find((x) => x.id === w.A2.id)).toMatchObject({ state: 'completed' })
    // The list closed: the units are in no open box, yet they wait for nothing; a scan says why.
    expect(waitingExchanges(box({ id: 'other' }), xs, { ...o, lists })).toEqual([])
    expect(scanIntoBox(box({ id: 'other' }), IMEI[1], { ...o, exchanges: xs, lists })).toMatchObject({ ok: false, code: 'refused', refusal: { kind: 'state' } })
    // A refused list moved nothing; an answer that already says so is left as it is.
    const refused = { ...lists[0], state: 'rejected' }
    expect(withBoxMoves(w.exchanges, [refused])).toEqual(w.exchanges)
    const answered = w.exchanges.map((x) => (x.id === w.B.id ? { ...x, state: 'at_factory', facts: { ...x.facts, unit_at: 'factory' } } : x))
    expect(withBoxMoves(answered, projectLists(withStatus([list, posted(list)]))).find((x) => x.id === w.B.id).facts.unit_at).toBe('factory')
  })
})
