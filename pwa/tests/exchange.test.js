// The exchange counter (src/exchange/*): the intake and machine events are what the sync schema files
// accept; the guards of the exported machine all have a rule here and the actions offered follow the
// server's checks (a guard's reason kept for the screen); the offline 三包 verdict answers as the
// server's own rule does at its day boundaries (the vectors exported with the machine); the checks
// before saving name the fields; the projection says what is saved here, posted, refused.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import { EXCHANGE, actionsFor, factsAfter, modeLabel, refusal, stateAfter, stateLabel, unknownGuards } from '../src/exchange/machine.js'
import { buildExchangeEvent, buildExchangeIntake, daysBetween, deviceVerdict, handoverProblems, intakeProblems, localVerdict } from '../src/exchange/events.js'
import { filterExchanges, projectExchanges, snapshotOf } from '../src/exchange/orders.js'
import { exchangeToken, orderToken, tokenTarget } from '../src/print/token.js'
import { exchangeIdFromScan } from '../src/workshop/queue.js'

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
const valid = (doc) => {
  const v = ajv.getSchema(`urn:aftercare:sync:event:${doc.type}`)
  if (!v(doc)) throw new Error(JSON.stringify(v.errors))
  return true
}
const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const MODEL = '0190a000-0000-7000-8000-0000000000b1'
const SYMPTOM = '0190a000-0000-7000-8000-0000000000c1'
const ACCOUNT = '0190a000-0000-7000-8000-0000000000d1'
const OLD = '867777770000029'
const NEW = '867777770001019'
const SIG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
const form = (extra = {}) => ({ customer: { kind: 'walk_in', name: ' 王芳 ', phone: '138 0013 8000' }, imei: OLD, modelId: MODEL, symptoms: [SYMPTOM], faultDescription: ' 黑屏 ', purchaseDate: '2026-12-04', mode: 'A', overrideReason: '', provisionalCode: 'K7QD5-0007', signature: SIG, ...extra })
const status = (doc, state, extra = {}) => ({ _id: `status:${doc._id}`, event_id: doc._id, state, ...extra })

describe('exchange events are what the sync schemas accept', () => {
  test('an intake: its id is the order, empty values left out, the phone normalised', () => {
    const doc = buildExchangeIntake(form(), CTX)
    expect(doc.order_id).toBe(doc._id)
    expect(doc).toMatchObject({ type: 'exchange_intake', customer_name: '王芳', customer_phone: '13800138000', imei: OLD, mode: 'A', symptom_ids: [SYMPTOM], fault_description: '黑屏' })
    expect(doc.override_reason).toBeUndefined()
    expect(valid(doc)).toBe(true)
    const member = buildExchangeIntake(form({ customer: { kind: 'member', phone: '13800138000' }, mode: 'B', overrideReason: ' 店长同意 ' }), CTX)
    expect(member).toMatchObject({ member_phone: '13800138000', mode: 'B', override_reason: '店长同意' })
    expect(member.customer_name).toBeUndefined()
    expect(valid(member)).toBe(true)
  })

  test("an intake carries the unit's photos (hashes, once each) and the customer's signature, as repair's", () => {
    const sha = 'a'.repeat(64)
    const doc = buildExchangeIntake(form({ photos: [sha, sha, 'b'.repeat(64)] }), CTX)
    expect(doc.photos).toEqual([sha, 'b'.repeat(64)])
    expect(doc.signature).toBe(SIG)
    expect(valid(doc)).toBe(true)
    const bare = buildExchangeIntake(form({ photos: [], signature: '' }), CTX)
    expect(bare.photos).toBeUndefined()
    expect(bare.signature).toBeUndefined()
    expect(() => valid({ ...doc, photos: ['not a hash'] })).toThrow()
  })

  test('a handover carries the scanned replacement, the signature, a fee with its account; other fields dropped', () => {
    const doc = buildExchangeEvent('0190a000-0000-7000-8000-0000000000f1', 'hand_over', { replacement_imei: ` ${NEW} `, signature: SIG, fee: '50', account_id: ACCOUNT, bogus: 1 }, CTX)
    expect(doc).toMatchObject({ type: 'exchange_event', event: 'hand_over', replacement_imei: NEW, fee: '50', account_id: ACCOUNT })
    expect(doc.bogus).toBeUndefined()
    expect(valid(doc)).toBe(true)
    const free = buildExchangeEvent('0190a000-0000-7000-8000-0000000000f1', 'pickup', { signature: SIG, fee: '0', account_id: ACCOUNT }, CTX)
    expect(free.fee).toBeUndefined()
    expect(free.account_id).toBeUndefined()
    expect(valid(free)).toBe(true)
  })

  test("the sync schema's events are the machine's", () => {
    const schema = JSON.parse(readFileSync(new URL('exchange_event.json', SCHEMAS), 'utf8'))
    expect(schema.properties.event.enum).toEqual(EXCHANGE.events.map((e) => e.event))
  })
})

describe('the exported machine', () => {
  test('every guard the server names has a rule here', () => {
    expect(unknownGuards()).toEqual([])
  })

  test('mode A: hand over first; the guard says why dispatch is not offered yet', () => {
    const perms = ['exchange.view', 'exchange.intake', 'exchange.handover', 'exchange.dispatch', 'exchange.convert']
    const facts = { mode: 'A', handed_over: false, unit_at: 'customer', replacement_received: false }
    const acts = actionsFor({ state: 'pending_exchange', facts, permissions: perms })
    expect(acts.filter((a) => a.allowed).map((a) => a.event)).toEqual(['hand_over', 'convert_to_repair'])
    expect(acts.find((a) => a.event === 'dispatch')).toMatchObject({ allowed: false, guard: 'handed_over_or_factory_mode' })
    expect(acts.find((a) => a.event === 'hand_over').offline).toBe(true)
    // Without the permission the event is not listed at all (a clerk without exchange.dispatch).
    expect(actionsFor({ state: 'pending_exchange', facts, permissions: ['exchange.handover'] }).map((a) => a.event)).toEqual(['hand_over'])
    expect(refusal('pickup', { state: 'pending_exchange', facts })).toEqual({ kind: 'state' })
    const after = factsAfter(facts, 'hand_over')
    expect(after).toMatchObject({ handed_over: true, unit_at: 'defective' })
    expect(stateAfter('pending_exchange', 'hand_over', facts)).toBe('pending_dispatch')
    // receive_replacement completes an order whose customer has a unit already (to_if), else waits for pickup.
    expect(stateAfter('at_factory', 'receive_replacement', { ...after, unit_at: 'transit' })).toBe('completed')
    expect(stateAfter('at_factory', 'receive_replacement', { mode: 'B', handed_over: false })).toBe('pending_pickup')
    // convert_to_onsite moves from pending_exchange (to_from) and stays at the factory otherwise.
    expect(stateAfter('pending_exchange', 'convert_to_onsite', { mode: 'B' })).toBe('pending_dispatch')
    expect(stateAfter('at_factory', 'convert_to_onsite', { mode: 'B' })).toBe('at_factory')
  })

  test('labels come from the server in both languages', () => {
    expect(stateLabel('pending_exchange', 'zh-CN')).toBe('待换机')
    expect(stateLabel('pending_exchange', 'en')).toBe('Pending exchange')
    expect(modeLabel('C', 'zh-CN')).toBe('返厂换机转现场换机')
  })

  test('an exchange order prints and scans as E1 + its id', () => {
    const id = '0193a6f2-7c41-7d2a-9b3e-4f1c2d3e4a5b'
    const token = exchangeToken(id)
    expect(token.startsWith('E1')).toBe(true)
    expect(tokenTarget(token)).toEqual({ kind: 'exchange_order', id })
  })
})

describe('eligibility offline', () => {
  test("the verdict is the server's own at its day boundaries", () => {
    expect(EXCHANGE.vectors.length).toBeGreaterThan(20)
    for (const v of EXCHANGE.vectors) {
      const got = deviceVerdict({ today: v.today, saleDate: v.sale_date, warrantyUntil: v.until, listed: v.listed, failed: v.failed })
      expect([v, got.options, got.reasons.map((r) => r.code)]).toEqual([v, v.options, v.reasons])
    }
  })

  test('days as the law counts them; reasons in both languages with the rule\'s numbers', () => {
    expect(daysBetween('2026-12-04', '2026-12-11')).toBe(7)
    expect(daysBetween('2026-02-28', '2026-03-01')).toBe(1)
    const v = localVerdict(form(), { model: { warranty_months: 12 }, today: '2026-12-11' })
    expect(v).toMatchObject({ exchange: true, days_since_sale: 7, warranty_until: '2027-12-04', local: true })
    expect(v.reasons[0]['zh-CN']).toContain('7 天内')
    const late = localVerdict(form(), { model: { warranty_months: 12 }, today: '2026-12-20' })
    expect(late.exchange).toBe(false)
    expect(late.reasons[0].code).toBe('in_warranty')
    // A listed-fault list of the brand: another symptom is not listed.
    const other = localVerdict(form(), { model: { warranty_months: 12 }, today: '2026-12-05', rule: { performance_symptom_ids: ['x'] } })
    expect(other.reasons.map((r) => r.code)).toEqual(['not_listed', 'in_warranty'])
  })
})

describe('checks before saving name the fields', () => {
  test('intake', () => {
    expect(intakeProblems(form(), { verdict: { exchange: true }, today: '2026-12-07' })).toEqual({})
    const bad = intakeProblems(form({ customer: { kind: 'walk_in', name: '', phone: '12' }, imei: '867777770000028', modelId: null, symptoms: [], faultDescription: '', purchaseDate: '2027-01-01' }), { today: '2026-12-07' })
    expect(bad).toEqual({ name: 'required', phone: 'phone', imei: 'luhn', model: 'required', fault: 'required', purchaseDate: 'future' })
    // The rules allow no exchange: a clerk may not override, a manager must say why.
    expect(intakeProblems(form(), { verdict: { exchange: false }, today: '2026-12-07' })).toEqual({ override: 'notAllowed' })
    expect(intakeProblems(form(), { verdict: { exchange: false }, mayOverride: true, today: '2026-12-07' })).toEqual({ override: 'required' })
    expect(intakeProblems(form({ overrideReason: '店长同意' }), { verdict: { exchange: false }, mayOverride: true, today: '2026-12-07' })).toEqual({})
    // The customer signs the ticket; photos at most as many as the server takes.
    expect(intakeProblems(form({ signature: '' }), { verdict: { exchange: true }, today: '2026-12-07' })).toEqual({ signature: 'required' })
    expect(intakeProblems(form({ signature: 'data:text/html,x' }), { verdict: { exchange: true }, today: '2026-12-07' })).toEqual({ signature: 'invalid' })
    const many = Array.from({ length: EXCHANGE.rules.max_photos + 1 }, (_, i) => String(i).padStart(64, '0'))
    expect(intakeProblems(form({ photos: many }), { verdict: { exchange: true }, today: '2026-12-07' })).toEqual({ photos: 'tooMany' })
  })

  test('handover: the replacement scanned is not the old unit, signed, a fee with its account', () => {
    const order = { imei: OLD }
    expect(handoverProblems('hand_over', { replacementImei: NEW, signature: SIG }, order)).toEqual({})
    expect(handoverProblems('hand_over', { replacementImei: OLD, signature: '' }, order)).toEqual({ replacementImei: 'oldUnit', signature: 'required' })
    expect(handoverProblems('hand_over', { replacementImei: NEW, signature: SIG, fee: '50' }, order)).toEqual({ account: 'required' })
    expect(handoverProblems('pickup', { signature: SIG, fee: 'abc' }, order)).toEqual({ fee: 'money' })
  })
})

describe('the projection', () => {
  test('saved here, then posted with its number; a handover moves it offline; a refusal does not', () => {
    const intake = buildExchangeIntake(form(), CTX)
    const hand = buildExchangeEvent(intake._id, 'hand_over', { replacement_imei: NEW, signature: SIG }, { ...CTX, now: new Date(Date.now() + 1000) })
    let [o] = projectExchanges([intake, hand])
    expect(o).toMatchObject({ sync: 'pending', state: 'pending_dispatch', replacementImei: NEW, pendingEvents: 2, number: null })
    expect(o.facts).toMatchObject({ handed_over: true, unit_at: 'defective' })
    ;[o] = projectExchanges([intake, hand, status(intake, 'posted', { numbers: { exchange_order: 'HJ-SZ01-2612-00001' } }), status(hand, 'rejected', { reasons: [{ field: 'replacement_imei', message: 'not in stock' }] })])
    expect(o).toMatchObject({ sync: 'posted', number: 'HJ-SZ01-2612-00001', state: 'pending_exchange', pendingEvents: 0 })
    expect(o.rejectedEvents).toHaveLength(1)
    expect(filterExchanges([o], { q: 'hj-sz01' })).toHaveLength(1)
    expect(filterExchanges([o], { state: 'pending_sync' })).toHaveLength(0)
    // The ticket's E1 code, scanned into the search, names the order (and only it).
    expect(filterExchanges([o], { q: exchangeToken(intake._id) })).toEqual([o])
    expect(filterExchanges([o], { q: exchangeToken('0190a000-0000-7000-8000-0000000000f9') })).toEqual([])
  })

  test("the server's answer: its state, steps and the events it reflects; another tablet's order listed from it", () => {
    const intake = buildExchangeIntake(form(), CTX)
    const hand = buildExchangeEvent(intake._id, 'hand_over', { replacement_imei: NEW, signature: SIG }, CTX)
    const detail = {
      order: { id: intake._id, number: 'HJ-SZ01-2612-00001', state: 'at_factory', mode: 'A', imei: OLD, replacement_imei: NEW, created_at: intake.created_at },
      facts: { mode: 'A', handed_over: true, unit_at: 'transit', replacement_received: false }, allowed_events: ['factory_receipt'],
      steps: [{ seq: 1, event: 'intake', at: 'x', username: 'sz01.clerk', event_id: intake._id }, { seq: 2, event: 'hand_over', at: 'y', username: 'sz01.clerk', event_id: hand._id }, { seq: 3, event: 'dispatch', at: 'z', username: 'sz01.courier', event_id: null }],
    }
    const snap = snapshotOf(detail)
    const [o] = projectExchanges([intake, hand], { [intake._id]: snap })
    expect(o).toMatchObject({ state: 'at_factory', number: 'HJ-SZ01-2612-00001' })
    expect(o.steps.map((s) => s.event)).toEqual(['intake', 'hand_over', 'dispatch'])
    expect(o).toMatchObject({ mayReverse: false, loaners: [], signed: true, photos: [] })
    const withMore = snapshotOf({ ...detail, may_reverse: true, order: { ...detail.order, photos: ['c'.repeat(64)], intake_signed: true }, loaners: [{ id: 'l1', number: 'BJ-1', serial: NEW, due_date: '2026-12-14', returned_at: null, deposit: '0' }] })
    const [kept] = projectExchanges([], { [intake._id]: withMore })
    expect(kept).toMatchObject({ mayReverse: true, signed: true, photos: ['c'.repeat(64)], loaners: [{ id: 'l1', number: 'BJ-1', serial: NEW, returned_at: null }] })
    const other = projectExchanges([], { abc: { ...snap, order: { ...snap.order, created_at: '2026-12-01' } } })
    expect(other[0]).toMatchObject({ id: 'abc', sync: 'posted', imei: OLD, state: 'at_factory' })
  })
})

describe('scanning an exchange ticket at the counter', () => {
  test('an E1 code opens the exchange order; a repair ticket or an IMEI does not', () => {
    const id = '0190a000-0000-7000-8000-0000000000f1'
    expect(exchangeIdFromScan(exchangeToken(id))).toBe(id)
    expect(exchangeIdFromScan(` ${exchangeToken(id).toLowerCase()} `)).toBe(id)
    expect(exchangeIdFromScan(orderToken(id))).toBeNull()
    expect(exchangeIdFromScan(OLD)).toBeNull()
    expect(exchangeIdFromScan('')).toBeNull()
  })
})
