// The counter's pure logic: IMEI checks, the events it writes (validated against the very
// schema files the server's proxy uses), the state machine's next actions, the order
// projection from local documents, and the photo queue.
import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import Ajv2020 from 'ajv/dist/2020.js'
import PouchDB from 'pouchdb-browser'
import memory from 'pouchdb-adapter-memory'
import { imeiProblem, luhnCheckDigit, normaliseImei, tacOf } from '../src/repair/imei.js'
import { buildIntake, buildRepairEvent, envelope, intakeProblems, moneyText, rfc3339 } from '../src/repair/events.js'
import { MACHINE, nextActions, refusal, stateAfter, stateLabel, unknownGuards } from '../src/repair/machine.js'
import { countByState, filterOrders, projectOrders } from '../src/repair/orders.js'
import { PhotoQueue, sha256Hex } from '../src/sync/photos.js'
import { orderIdFromToken, orderToken } from '../src/print/token.js'
import { fitWithin } from '../src/repair/compress.js'

PouchDB.plugin(memory)

const SCHEMAS = new URL('../../sync/schemas/', import.meta.url)
const ajv = new Ajv2020({ strict: false, allErrors: true })
for (const name of readdirSync(SCHEMAS).filter((n) => n.endsWith('.json'))) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')))
const validate = (type) => ajv.getSchema(`urn:aftercare:sync:event:${type}`)

const CTX = { org: '0190a000-0000-7000-8000-000000000001', userId: '0190a000-0000-7000-8000-000000000002', deviceId: 'K7QD5' }
const GOOD_IMEI = '861007922636579'
const ALL = Object.values(MACHINE.events).map((e) => e.permission)

function intakeForm(over = {}) {
  return {
    customer: { kind: 'walk_in', name: ' 张三 ', phone: '13912345678' }, imei: '8610 0792 2636 579', modelId: '0190a000-0000-7000-8000-0000000000aa',
    accessories: ['0190a000-0000-7000-8000-0000000000b1'], symptoms: [], faultDescription: '摔后不开机', appearanceNote: '',
    photos: ['a'.repeat(64)], signature: 'data:image/png;base64,AAAA', deposit: { amount: '50', accountId: '0190a000-0000-7000-8000-0000000000c1' },
    provisionalCode: 'K7QD5-0001', ...over,
  }
}

describe('IMEI', () => {
  test('Luhn check digit and problems', () => {
    expect(luhnCheckDigit('86100792263657')).toBe('9')
    expect(imeiProblem(GOOD_IMEI)).toBeNull()
    expect(imeiProblem('8610-0792 2636579')).toBeNull()
    expect(imeiProblem('861007922636578')).toBe('luhn')
    expect(imeiProblem('86100792263657')).toBe('length')
    expect(imeiProblem('86100792263657X')).toBe('digits')
    expect(imeiProblem('')).toBe('required')
    expect(normaliseImei(' 8610 0792-2636579 ')).toBe(GOOD_IMEI)
    // Digits of other scripts: fullwidth, Arabic-Indic, Devanagari, mathematical bold.
    expect(normaliseImei('８６１００７９２２６３６５７９')).toBe(GOOD_IMEI)
    expect(normaliseImei('٨٦١٠٠٧٩٢٢٦٣٦٥٧٩')).toBe(GOOD_IMEI)
    expect(normaliseImei('८६१००७९२२६३६५७९')).toBe(GOOD_IMEI)
    expect(normaliseImei('\u{1D7D6}\u{1D7D4}' + '1007922636579')).toBe(GOOD_IMEI)
    expect(imeiProblem('８６１００７９２２６３６５７９')).toBeNull()
    expect(tacOf(GOOD_IMEI)).toBe('86100792')
  })
})

describe('events against the sync schemas', () => {
  test('an intake is a valid repair_intake whose order is itself', () => {
    const doc = buildIntake(intakeForm(), CTX)
    const v = validate('repair_intake')
    expect(v(doc), JSON.stringify(v.errors)).toBe(true)
    expect(doc.order_id).toBe(doc._id)
    expect(doc.imei).toBe(GOOD_IMEI)
    expect(doc.customer_name).toBe('张三')
    expect(doc.deposit).toEqual({ amount: '50', account_id: '0190a000-0000-7000-8000-0000000000c1' })
    expect(doc.signature).toBe('data:image/png;base64,AAAA') // signed on the tablet, kept with the order on the server
    expect(doc).not.toHaveProperty('member_phone')
  })

  test('a member intake names the phone only; empty optional fields are left out', () => {
    const doc = buildIntake(intakeForm({ customer: { kind: 'member', phone: '13800138000', name: 'x' }, accessories: [], photos: [], deposit: { amount: '' } }), CTX)
    expect(validate('repair_intake')(doc)).toBe(true)
    expect(doc.member_phone).toBe('13800138000')
    for (const k of ['customer_name', 'customer_phone', 'accessories_received', 'photos', 'deposit', 'appearance_note']) expect(doc).not.toHaveProperty(k)
  })

  test('a schema refusal would be caught: the test validator is not a yes-man', () => {
    const doc = { ...buildIntake(intakeForm(), CTX), imei: '123', extra: 1 }
    expect(validate('repair_intake')(doc)).toBe(false)
  })

  test('machine events carry only their schema fields', () => {
    const sha = 'ab'.repeat(32)
    const pickup = buildRepairEvent(CTX.org, 'pickup', { signature: 'data:image/png;base64,AA', account_id: CTX.userId, colour: 'red', photos: [sha, sha], reason: 'x' }, CTX)
    expect(validate('repair_event')(pickup), JSON.stringify(validate('repair_event').errors)).toBe(true)
    expect(pickup).not.toHaveProperty('colour')
    expect(pickup).not.toHaveProperty('reason') // a field of other events (the machine lists each event's own)
    expect(pickup.photos).toEqual([sha])
    expect(buildRepairEvent(CTX.org, 'qc_pass', { photos: [sha], note: 'ok' }, CTX)).not.toHaveProperty('photos')
    const back = buildRepairEvent(CTX.org, 'return_unrepaired', { reason: ' 客户不修了 ' }, CTX)
    expect(validate('repair_event')(back)).toBe(true)
    expect(back.reason).toBe('客户不修了')
    expect(rfc3339(new Date())).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/)
  })

  test('what stops an intake, per field', () => {
    const problems = (over) => intakeProblems(intakeForm(over), { imeiProblem })
    expect(problems({})).toEqual({})
    expect(problems({ imei: '861007922636578' })).toEqual({ imei: 'luhn' })
    expect(problems({ customer: { kind: 'walk_in', name: '', phone: '' } })).toEqual({ phone: 'required', name: 'required' })
    expect(problems({ faultDescription: '', symptoms: [] })).toEqual({ fault: 'required' })
    expect(problems({ signature: '' })).toEqual({ signature: 'required' })
    expect(problems({ deposit: { amount: '1.234', accountId: 'x' } })).toEqual({ deposit: 'money' })
    expect(problems({ deposit: { amount: '20', accountId: null } })).toEqual({ depositAccount: 'required' })
    expect(moneyText('12.5')).toBe('12.5')
    expect(moneyText('-1')).toBeNull()
  })
})

describe('the state machine from the server', () => {
  test('is the generated export, every guard has a rule, and the sync enum lists its events', () => {
    expect(MACHINE.states.map((s) => s.name)).toEqual(['pending_acceptance', 'pending_repair', 'pending_qc', 'pending_pickup', 'completed', 'followed_up', 'audited'])
    expect(unknownGuards()).toEqual([])
    const schema = JSON.parse(readFileSync(new URL('repair_event.json', SCHEMAS), 'utf8'))
    // Online-only events (un-audit) never travel offline, so the sync schema leaves them out.
    expect(MACHINE.events.filter((e) => !e.online).map((e) => e.event).sort()).toEqual([...schema.properties.event.enum].sort())
    expect(stateLabel('pending_pickup', 'zh-CN')).toBe('待取机')
    expect(stateLabel('pending_pickup', 'en')).toBe('Pending pickup')
  })

  const clerk = ['repair.view', 'repair.intake', 'repair.accept', 'repair.forward', 'repair.quote', 'repair.pickup', 'repair.convert', 'repair.deposit']
  const events = (o) => nextActions(o).map((a) => a.event)

  test('a clerk at pending acceptance: accept, return unrepaired, convert — never repair or pickup', () => {
    expect(events({ state: 'pending_acceptance', facts: {}, permissions: clerk })).toEqual(['accept', 'return_unrepaired', 'convert_to_exchange'])
    expect(events({ state: 'pending_acceptance', facts: {}, permissions: ['repair.view'] })).toEqual([])
  })

  test('guards: no repair start without an accepted quotation when chargeable; no pickup before QC', () => {
    const all = { permissions: ALL }
    expect(events({ state: 'pending_repair', facts: { chargeable: true }, ...all })).not.toContain('start_repair')
    expect(events({ state: 'pending_repair', facts: { chargeable: true, quotation: 'accepted' }, ...all })).toContain('start_repair')
    expect(refusal('pickup', { state: 'pending_pickup', facts: {} })).toEqual({ kind: 'guard', guard: 'qc_passed_or_unrepaired' })
    expect(events({ state: 'pending_pickup', facts: { unrepaired: true }, ...all })).toContain('pickup')
    expect(refusal('pickup', { state: 'pending_repair', facts: {} })).toEqual({ kind: 'state' })
    expect(stateAfter('pending_repair', 'start_repair')).toBe('pending_repair')
    expect(stateAfter('pending_qc', 'qc_pass')).toBe('pending_pickup')
  })
})

describe('orders from the local database', () => {
  const intake = buildIntake(intakeForm(), { ...CTX, now: new Date('2026-11-28T10:00:00+08:00') })
  const ev = (event, at, data = {}) => buildRepairEvent(intake._id, event, data, { ...CTX, now: new Date(at) })
  const status = (doc, state, numbers = {}, reasons = []) => ({ _id: `status:${doc._id}`, type: 'status', state, numbers, reasons, updated_at: '2026-11-28T03:00:00Z' })

  test('pending until the status document comes; then the number', () => {
    let [o] = projectOrders([intake])
    expect(o).toMatchObject({ sync: 'pending', number: null, state: 'pending_acceptance', pendingEvents: 1, provisionalCode: 'K7QD5-0001' })
    ;[o] = projectOrders([intake, status(intake, 'posted', { repair_order: 'WX-SZ01-2611-00001' })])
    expect(o).toMatchObject({ sync: 'posted', number: 'WX-SZ01-2611-00001', pendingEvents: 0 })
  })

  test('local events move the state at once; rejected ones do not; posted ones follow the server', () => {
    const accept = ev('accept', '2026-11-28T10:01:00+08:00')
    const back = ev('return_unrepaired', '2026-11-28T10:02:00+08:00', { reason: 'x' })
    const posted = status(intake, 'posted', { repair_order: 'WX-1' })
    let [o] = projectOrders([intake, posted, accept, back])
    expect(o.state).toBe('pending_pickup')
    expect(o.facts.unrepaired).toBe(true)
    expect(nextActions({ state: o.state, facts: o.facts, permissions: ALL }).map((a) => a.event)).toContain('pickup')
    ;[o] = projectOrders([intake, posted, accept, back, status(back, 'rejected', {}, [{ code: 'transition_refused', en: 'no', 'zh-CN': '不' }])])
    expect(o.state).toBe('pending_repair')
    expect(o.rejectedEvents.map((e) => e.event)).toEqual(['return_unrepaired'])
    // The server's answer names the events it reflects (a move made elsewhere is in its state)…
    const acceptPosted = status(accept, 'posted', { state: 'pending_repair' })
    ;[o] = projectOrders([intake, posted, accept, acceptPosted], { [intake._id]: { state: 'pending_qc', facts: { repair_started: true }, events: [accept._id] } })
    expect(o.state).toBe('pending_qc')
    // …and a posted event it does not reflect yet moves the order to the state its status names.
    const pickup = ev('pickup', '2026-11-28T10:03:00+08:00', { signature: 's' })
    ;[o] = projectOrders([intake, posted, accept, acceptPosted, pickup, status(pickup, 'posted', { state: 'completed' })], { [intake._id]: { state: 'pending_pickup', facts: { unrepaired: true }, events: [accept._id] } })
    expect(o.state).toBe('completed')
    expect(o.pendingEvents).toBe(0)
  })

  test('a refused intake has no state and is listed under pending sync', () => {
    const [o] = projectOrders([intake, status(intake, 'rejected', {}, [{ code: 'validation_error' }])])
    expect(o.state).toBeNull()
    expect(countByState([o])).toMatchObject({ all: 1, pending_sync: 1 })
  })

  test('search by IMEI, phone, number, provisional code; filter by state', () => {
    const orders = projectOrders([intake, status(intake, 'posted', { repair_order: 'WX-SZ01-2611-00007' })])
    for (const q of ['636579', '1391234', 'wx-sz01-2611-00007', 'k7qd5-0001']) expect(filterOrders(orders, { q })).toHaveLength(1)
    expect(filterOrders(orders, { q: '0000000' })).toHaveLength(0)
    expect(filterOrders(orders, { state: 'pending_acceptance' })).toHaveLength(1)
    expect(filterOrders(orders, { state: 'completed' })).toHaveLength(0)
    expect(filterOrders(orders, { state: 'pending_sync' })).toHaveLength(0)
  })

  test('the ticket token names the order and back', () => {
    expect(orderIdFromToken(orderToken(intake._id))).toBe(intake._id)
    expect(orderIdFromToken(` ${orderToken(intake._id).toLowerCase()} `)).toBe(intake._id)
    expect(orderIdFromToken('R1NOTATOKEN')).toBeNull()
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 })
  })
})

describe('photo queue', () => {
  let n = 0
  const db = () => new PouchDB(`photos-${n++}`, { adapter: 'memory' })
  const jpeg = (s) => Buffer.from(`\xff\xd8\xff${s}`, 'latin1')

  test('keeps photos by SHA-256, uploads oldest first, stops offline, marks refusals', async () => {
    const sent = []
    let mode = 'offline'
    const q = new PhotoQueue({
      db: db(),
      now: (() => { let t = 0; return () => ++t })(),
      upload: async (data, type) => {
        if (mode === 'offline') throw Object.assign(new Error('network'), { status: 0 })
        const sha = await sha256Hex(new Uint8Array(data))
        if (String(Buffer.from(data)).includes('bad')) throw Object.assign(new Error('not an image'), { status: 422 })
        sent.push([sha, type])
        return { sha256: sha }
      },
    })
    const a = await q.add(jpeg('a'))
    const a2 = await q.add(jpeg('a'), { orderId: 'o1' })
    const b = await q.add(jpeg('bad'))
    expect(a2).toBe(a)
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(await q.counts()).toEqual({ pending: 2, failed: [] })
    expect(await q.drain()).toEqual({ uploaded: 0, failed: 0, pending: 2 })
    mode = 'online'
    expect(await q.drain()).toEqual({ uploaded: 1, failed: 1, pending: 0 })
    expect(sent).toEqual([[a, 'image/jpeg']])
    const counts = await q.counts()
    expect(counts.failed).toEqual([{ sha: b, reason: 'not an image', orders: [] }])
    expect(Buffer.from(await q.image(a)).toString('latin1')).toBe('\xff\xd8\xffa') // kept for pickup
    expect(await q.image('f'.repeat(64))).toBeNull()
  })

  test('photos of an intake that was not saved are forgotten; attached ones stay', async () => {
    const q = new PhotoQueue({ db: db(), upload: async () => ({}) })
    const keep = await q.add(jpeg('k'))
    const drop = await q.add(jpeg('d'))
    await q.attach([keep], 'order-1')
    await q.discard([keep, drop])
    expect((await q.counts()).pending).toBe(1)
    expect(await q.image(drop)).toBeNull()
  })
})

describe('quotation, decision and the shared rules (issue 16)', () => {
  const ORDER = '0190a000-0000-7000-8000-0000000000f1'
  const ITEM = '0190a000-0000-7000-8000-0000000000e1'
  const LEVEL = '0190a000-0000-7000-8000-0000000000e2'

  test('a quotation and its decision are valid sync events; the total is the server’s sum', async () => {
    const { buildQuotation, buildQuotationDecision, quotationProblems, quotationTotal } = await import('../src/repair/events.js')
    const lines = [{ kind: 'part', itemId: ITEM, quantity: 2, unitPrice: '120.50' }, { kind: 'labour', levelId: LEVEL, unitPrice: '80' }]
    const q = buildQuotation(ORDER, { lines, note: ' 换屏 ' }, CTX)
    expect(validate('repair_quotation')(q)).toBe(true)
    expect(q.lines).toEqual([{ kind: 'part', item_id: ITEM, quantity: 2 }, { kind: 'labour', repair_level_id: LEVEL }])
    expect(quotationTotal(lines)).toBe('321.00')
    const d = buildQuotationDecision(ORDER, q._id, true, 'data:image/png;base64,AAAA', CTX)
    expect(validate('repair_quotation_decision')(d)).toBe(true)
    expect(quotationProblems({ lines: [] })).toEqual({ lines: 'required' })
    expect(quotationProblems({ lines: [{ kind: 'part', itemId: ITEM, quantity: 0 }] })).toEqual({ 'lines.0': 'quantity' })
  })

  test('the projection: a quotation is pending, an accepted one lets the repair start, a declined one returns the device', () => {
    const intake = buildIntake(intakeForm(), CTX)
    const posted = { _id: `status:${intake._id}`, state: 'posted', numbers: { repair_order: 'WX-SZ01-2605-00001' } }
    const snap = { [intake._id]: { state: 'pending_repair', facts: { chargeable: true, quotation: 'none' }, events: [], quotations: [] } }
    const quote = { ...envelope('repair_quotation', CTX), order_id: intake._id, lines: [{ kind: 'labour', repair_level_id: LEVEL }] }
    let [o] = projectOrders([intake, posted, quote], snap)
    expect(o.facts.quotation).toBe('pending')
    expect(refusal('start_repair', { state: o.state, facts: o.facts })).toEqual({ kind: 'guard', guard: 'quotation_accepted_if_chargeable' })
    expect(o.localQuotations.map((x) => x.id)).toEqual([quote._id])
    const yes = { ...envelope('repair_quotation_decision', CTX), order_id: intake._id, quotation_id: quote._id, accepted: true, signature: 'x', created_at: '2999-01-01T00:00:00.000+08:00' }
    ;[o] = projectOrders([intake, posted, quote, yes], snap)
    expect(o.facts.quotation).toBe('accepted')
    expect(refusal('start_repair', { state: o.state, facts: o.facts })).toBeNull()
    const no = { ...yes, accepted: false }
    ;[o] = projectOrders([intake, posted, quote, no], snap)
    expect(o.state).toBe('pending_pickup')
    expect(o.facts.unrepaired).toBe(true)
    // Once the server's answer knows the quotation, its own status counts.
    ;[o] = projectOrders([intake, posted, quote, yes], { [intake._id]: { ...snap[intake._id], facts: { chargeable: true, quotation: 'accepted' }, quotations: [{ id: quote._id, status: 'accepted' }] } })
    expect(o.facts.quotation).toBe('accepted')
  })

  test('intake problems follow the server’s exported rules', async () => {
    const { RULES } = await import('../src/repair/rules.js')
    expect(RULES.text_limits.customer_name).toBe(80)
    expect(intakeProblems(intakeForm({ customer: { kind: 'walk_in', name: 'x'.repeat(81), phone: '13912345678' } }), { imeiProblem }).name).toBe('tooLong')
    expect(intakeProblems(intakeForm({ colour: 'x'.repeat(41) }), { imeiProblem }).colour).toBe('tooLong')
    expect(intakeProblems(intakeForm({ customer: { kind: 'walk_in', name: '张三', phone: '12345' } }), { imeiProblem }).phone).toBe('phone')
    expect(intakeProblems(intakeForm({ customer: { kind: 'member', phone: '13912345678' } }), { imeiProblem, member: { found: false } }).phone).toBe('noMember')
    expect(intakeProblems(intakeForm({ purchaseDate: '2999-01-01' }), { imeiProblem, today: '2026-05-01' }).purchaseDate).toBe('future')
    expect(intakeProblems(intakeForm({ signature: 'not an image' }), { imeiProblem }).signature).toBe('invalid')
    expect(intakeProblems(intakeForm({ deposit: { amount: '1.234', accountId: 'x' } }), { imeiProblem }).deposit).toBe('money')
    expect(intakeProblems(intakeForm(), { imeiProblem })).toEqual({})
    expect(Object.keys(RULES.papers)).toContain('quotation')
  })

  test('the offline warranty verdict: the model’s period from the stated purchase date', async () => {
    const { addMonths, localWarranty } = await import('../src/repair/warranty.js')
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28')
    expect(localWarranty({ model: { warranty_months: 12 }, purchaseDate: '2024-01-10', today: '2026-05-01' }).rule).toBe('out_of_warranty')
    expect(localWarranty({ model: { warranty_months: 12 }, purchaseDate: '2026-01-10', today: '2026-05-01' })).toEqual({ rule: 'pending_inspection', saleDate: '2026-01-10', expiresOn: '2027-01-10' })
    expect(localWarranty({ model: null, purchaseDate: null, today: '2026-05-01' }).rule).toBe('pending_inspection')
  })
})
