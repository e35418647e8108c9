// Exchange at the counter (issue 17 §1, §7). (a) Mode A OFFLINE: sz01.clerk on a zh-CN tablet takes
// a customer's phone in for an exchange with the network off (the 三包 verdict from the tablet's data:
// bought 3 days ago, a listed fault), hands a unit from the point's stock over (its IMEI typed as a
// scanner does, the customer signs) — 已保存在本机 — and, online again, the worker posts both (checked
// through REST: the order HJ-… in 待发厂, the replacement with the customer, the old unit in
// defective stock, the new warranty card from today); the exchange ticket and certificate print (200
// PDFs of the right form). (b) Mode C (sz01.manager): a mode B intake online (English, desktop), turned on-site on
// the order's screen (the point's unit, signed), sent to the manufacturer and the manufacturer's unit
// received — every step through the order screen's actions (online steps) — and the manufacturer's
// unit is in the point's good stock (REST); a wrong unit received is reversed (红冲) from the order
// screen first; a loaner lent against the B order with the network off (a wrong unit first, refused
// once online with its reason on the slip), posted, named in the handover dialog and given back
// offline (REST: the slip, the unit); the ticket's E1 code scanned at the pickup screen opens the order. The offline intake
// takes a photo of the unit and the customer's signature (both checked through REST once posted).
// Screens at tablet and desktop, zh-CN and en. No console error.
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, setLanguage, settle, shot, sign, T, TABLET, tid, withLuhn } from '../lib.mjs'
import { exchangeToken } from '../../src/print/token.js'

const DESKTOP = { width: 1440, height: 900 }
const daysAgo = (n) => new Date(Date.now() - n * 86400000 + 8 * 3600000).toISOString().slice(0, 10)

/** A small PNG (a grey frame on white) standing for the photo of a scratched phone. */
function photoPng(w = 96, h = 64) {
  const crc = (buf) => {
    let c = ~0
    for (const b of buf) {
      c ^= b
      for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
    }
    return ~c >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const rows = []
  for (let y = 0; y < h; y++) {
    const row = [0]
    for (let x = 0; x < w; x++) row.push(x < 4 || y < 4 || x >= w - 4 || y >= h - 4 || x === y ? 90 : 235)
    rows.push(Buffer.from(row))
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr[8] = 8 // 8-bit grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

async function eventually(fn, what, ms = 60_000) {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn().catch(() => null)
    if (v) return v
    assert.ok(Date.now() < until, `in time: ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Print `form` on its first paper from the order's print menu: the server answers a 200 PDF. */
async function printed(page, context, form, paper) {
  const answer = page.waitForResponse((r) => r.url().includes(`/api/print/${form}/`), { timeout: T })
  const popup = context.waitForEvent('page', { timeout: T }).catch(() => null)
  await page.locator(tid('print-menu')).click()
  await page.locator(tid(`print-${form}-${paper}`)).click()
  const r = await answer
  assert.equal(r.status(), 200, `${form} printed`)
  assert.match(r.headers()['content-type'] || '', /pdf/)
  assert.ok(r.url().includes(`paper=${paper}`))
  await (await popup)?.close()
}

/** Fire an action of the order's screen through its dialog. */
async function act(page, event, fill = async () => {}) {
  await page.locator(tid(`exchange-action-${event}`)).click()
  await page.locator(tid('exchange-dialog')).waitFor({ timeout: T })
  await fill()
  await page.locator(tid('exchange-dialog-confirm')).click()
  await page.locator(tid('exchange-dialog')).waitFor({ state: 'detached', timeout: T })
}

async function stateIs(page, state) {
  await page.locator(`${tid('exchange-state')}[data-state="${state}"]`).waitFor({ timeout: 60_000 })
}

export const scenarios = {
  async exchange(browser) {
    const started = Date.now()
    const clerk = await apiAs('sz01.clerk')
    const manager = await apiAs('sz01.manager')
    // The point's good stock gets two units of a device model (the replacements for A and C).
    const device = (await manager('GET', '/api/items?kind=device&page_size=20')).items.find((i) => i.serialized && i.model_id)
    const good = (await manager('GET', '/api/warehouses?kind=good')).items[0]
    const supplier = (await manager('GET', '/api/parties?role=supplier&page_size=5')).items[0]
    const maker = (await manager('GET', '/api/parties?role=manufacturer&page_size=5')).items[0]
    assert.ok(device && good && supplier && maker, 'demo data: a device item, a good warehouse, a supplier, a manufacturer')
    const tag = String(Date.now()).slice(-8)
    const [R1, R2] = [withLuhn(`86${tag}0001`), withLuhn(`86${tag}0002`)]
    const receipt = await manager('POST', '/api/stock/goods-receipts', { kind: 'purchase', warehouse_id: good.id, party_id: supplier.id, lines: [{ item_id: device.id, quantity: '2', unit_cost: '2000', serials: [R1, R2] }] })
    await manager('POST', `/api/stock/goods-receipts/${receipt.id}/post`)
    // A loaner unit in the point's loaner warehouse (the mode B customer borrows it while waiting).
    const loanWh = (await manager('GET', '/api/warehouses?kind=loaner')).items[0]
    const LOANER = withLuhn(`86${tag}0005`)
    const loanIn = await manager('POST', '/api/stock/goods-receipts', { kind: 'purchase', warehouse_id: loanWh.id, party_id: supplier.id, lines: [{ item_id: device.id, quantity: '1', unit_cost: '1800', serials: [LOANER] }] })
    await manager('POST', `/api/stock/goods-receipts/${loanIn.id}/post`)
    // The brands' default rule names who replaces the units (dispatch needs a manufacturer).
    const hq = await apiAs('hq.manager')
    if (!(await hq('GET', '/api/exchange/rules')).some((r) => !r.brand_id && r.manufacturer_id)) await hq('PUT', '/api/exchange/rules', { brand_id: null, manufacturer_id: maker.id })
    // The customers' phones: an IMEI of the device's model by its TAC (typed at the counter).
    const tac = (await clerk('GET', `/api/tacs?model_id=${device.model_id}&page_size=1`)).items[0]
    assert.ok(tac, 'demo data: a TAC of the device model')
    const [OLD_A, OLD_C] = [withLuhn(`${tac.code}${tag.slice(-5)}1`.slice(0, 14)), withLuhn(`${tac.code}${tag.slice(-5)}2`.slice(0, 14))]
    const FACTORY = withLuhn(`35${tag}0003`)
    const WRONG = withLuhn(`35${tag}0004`)

    // ---- (a) mode A offline at the counter ---------------------------------------------------------
    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    for (const key of ['exchangeIntake', 'exchangeOrders']) await page.locator(tid(`menu-${key}`)).waitFor({ timeout: T })
    // Offline the screens come from the service worker's precache: wait until it controls the page.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
    })
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await page.locator(tid('menu-exchangeIntake')).click()
    await page.locator(tid('exchange-intake-page')).waitFor({ timeout: T })
    await settle(page)
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await field(page, 'exchange-imei').fill(OLD_A)
    await page.locator(tid('exchange-save')).click()
    await page.locator('.q-field--error').first().waitFor({ timeout: T })
    ok('offline: nothing saved while the form has problems (fault, customer), each at its field')
    await field(page, 'exchange-purchase-date').fill(daysAgo(3))
    await page.locator(`${tid('exchange-symptoms')} .q-chip`).first().click()
    await field(page, 'exchange-fault').fill('开机黑屏')
    await field(page, 'exchange-phone').fill('13800138011')
    await field(page, 'exchange-name').fill('换机走查')
    await page.locator(tid('exchange-save')).click()
    await page.locator(tid('exchange-intake-signature-error')).waitFor({ timeout: T })
    ok('offline: not saved without the customer\'s signature')
    await page.locator(tid('photo-input')).setInputFiles({ name: 'scratch.png', mimeType: 'image/png', buffer: photoPng() })
    await page.locator(`${tid('exchange-intake-page')} ${tid('photo-thumb')}`).first().waitFor({ timeout: T })
    await sign(page)
    await page.locator(tid('exchange-intake-signature-error')).waitFor({ state: 'detached', timeout: T })
    await page.locator(`${tid('exchange-verdict')}[data-exchange="true"]`).waitFor({ timeout: T })
    await page.locator(tid('exchange-verdict-local')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-01-intake-offline-zh-tablet')
    ok('offline verdict from the tablet (bought 3 days ago, a listed fault): may be exchanged; a photo of the unit taken, the customer signed')
    await page.locator(tid('exchange-save')).click()
    await page.locator(tid('exchange-order-page')).waitFor({ timeout: T })
    await page.locator(tid('exchange-saved-here')).waitFor({ timeout: T })
    await page.locator(`${tid('exchange-photos-shown')} ${tid('photo-thumb')}`).waitFor({ timeout: T })
    await page.locator(`${tid('exchange-signed')}[data-signed="true"]`).waitFor({ timeout: T })
    await stateIs(page, 'pending_exchange')
    await page.locator(tid('exchange-guard-dispatch')).waitFor({ timeout: T })
    ok('saved on the tablet (已保存在本机); dispatch is not offered, its guard says why')
    await page.locator(tid('exchange-action-hand_over')).click()
    await page.locator(tid('exchange-dialog')).waitFor({ timeout: T })
    await field(page, 'exchange-replacement-imei').fill(OLD_A)
    await page.locator(tid('exchange-dialog-confirm')).click()
    await page.locator(tid('exchange-signature-error')).waitFor({ timeout: T })
    ok('the old unit scanned as the replacement and no signature: refused at their fields')
    await field(page, 'exchange-replacement-imei').fill(R1)
    await sign(page)
    await page.locator(tid('exchange-dialog-confirm')).click()
    await page.locator(tid('exchange-dialog')).waitFor({ state: 'detached', timeout: T })
    await stateIs(page, 'pending_dispatch')
    await page.locator(tid('exchange-new-imei')).getByText(R1).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-02-handed-over-offline-zh-tablet')
    ok('handed over offline: 待发厂 on the tablet, the new IMEI linked')

    await context.setOffline(false)
    const posted = await eventually(async () => {
      const o = (await clerk('GET', `/api/exchange/orders?q=${OLD_A}`)).items[0]
      return o && o.state === 'pending_dispatch' ? o : null
    }, 'the intake and the handover posted')
    assert.match(posted.number, /^HJ-SZ01-/)
    assert.equal(posted.replacement_imei, R1)
    assert.equal(posted.mode, 'A')
    assert.equal(posted.photos.length, 1, 'the photo went up before the intake and is linked to the order')
    assert.equal(posted.intake_signed, true, 'the customer\'s signature is kept with the order')
    const whereNew = await manager('GET', `/api/stock/serials/${R1}`)
    const whereOld = await manager('GET', `/api/stock/serials/${OLD_A}`)
    assert.equal(whereNew[0]?.location_kind ?? whereNew[0]?.kind, 'customer', JSON.stringify(whereNew[0]))
    assert.match(JSON.stringify(whereOld[0]), /坏件|defective/i)
    const cardNew = await clerk('GET', `/api/lookup/warranty?imei=${R1}`)
    assert.ok(cardNew.warranty_card_id, 'the replacement has a warranty card')
    assert.equal(cardNew.sale_date, daysAgo(0))
    await page.locator(tid('exchange-number')).getByText(posted.number).waitFor({ timeout: 60_000 })
    await page.locator(tid('exchange-saved-here')).waitFor({ state: 'detached', timeout: 60_000 })
    await page.locator(tid('exchange-history-hand_over')).waitFor({ timeout: T })
    ok(`online: posted once as ${posted.number} (REST: the replacement with the customer, the old unit in defective stock, a new card from today)`)
    await printed(page, context, 'exchange-ticket', '80mm')
    await printed(page, context, 'exchange-certificate', 'a5')
    await settle(page)
    await shot(page, 'exchange-03-posted-zh-tablet')
    ok('printed: the exchange ticket (80 mm) and the certificate (A5), each a 200 PDF')

    // ---- (b) mode C: a B intake turned on-site, sent, the manufacturer's unit into stock --------------
    const desk = await newContext(browser, DESKTOP)
    const p2 = desk.page
    const errors2 = watchConsole(p2)
    await p2.goto(BASE_URL + '/login')
    await login(p2, 'sz01.manager') // the point's manager: counter steps and the reversal (exchange.reverse)
    await p2.locator(tid('home-page')).waitFor({ timeout: T })
    await setLanguage(p2, 'en')
    await p2.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await p2.goto(BASE_URL + '/exchange/intake')
    await p2.locator(tid('exchange-intake-page')).waitFor({ timeout: T })
    await field(p2, 'exchange-imei').fill(OLD_C)
    await field(p2, 'exchange-purchase-date').fill(daysAgo(10))
    await p2.locator(`${tid('exchange-symptoms')} .q-chip`).first().click()
    await field(p2, 'exchange-phone').fill('13800138012')
    await field(p2, 'exchange-name').fill('Exchange walk')
    await sign(p2)
    await p2.locator(tid('exchange-mode')).getByText('Return-to-factory exchange').click()
    await p2.locator(`${tid('exchange-verdict')}[data-exchange="true"]`).waitFor({ timeout: T })
    await p2.locator(tid('exchange-verdict-reason')).getByText('within 15 days').waitFor({ timeout: T })
    await settle(p2)
    await shot(p2, 'exchange-04-intake-en-desktop')
    ok("online verdict from the server (day 10): exchange or repair, in English")
    await p2.locator(tid('exchange-save')).click()
    await p2.locator(tid('exchange-order-page')).waitFor({ timeout: T })
    await p2.locator(tid('exchange-number')).getByText(/HJ-SZ01-/).waitFor({ timeout: 60_000 })
    await stateIs(p2, 'pending_exchange')
    // 换机备机单 at the counter with the network off, like the other counter steps: lent against the
    // mode B order and saved here; a unit not in the loaner warehouse first, refused once online with
    // the server's reason on the slip; then the loaner, posted, and given back offline.
    const orderB = p2.url().split('/').pop()
    const slips = async () => (await clerk('GET', `/api/exchange/orders/${orderB}`)).loaners || []
    const offline = async (on) => {
      await desk.context.setOffline(on)
      await p2.locator(`${tid('sync-indicator')}[data-state="${on ? 'offline' : 'online'}"]`).waitFor({ timeout: 60_000 })
    }
    const NOT_LOANER = withLuhn(`86${tag}0006`)
    await offline(true)
    await field(p2, 'exchange-loaner-serial').fill(NOT_LOANER)
    await field(p2, 'exchange-loaner-due').fill(daysAgo(2))
    await p2.locator(tid('exchange-loaner-lend')).click()
    await p2.locator(`${tid('exchange-loaners')} .q-field--error`).waitFor({ timeout: T })
    ok('offline: a loaner due in the past is not saved, the due date named')
    await field(p2, 'exchange-loaner-due').fill(daysAgo(-7))
    await p2.locator(tid('exchange-loaner-lend')).click()
    await p2.locator(`${tid(`exchange-loaner-${NOT_LOANER}`)}[data-sync="pending"] ${tid('exchange-loaner-saved-here')}`).waitFor({ timeout: T })
    await settle(p2)
    await shot(p2, 'exchange-04a-loaner-saved-offline-en-desktop')
    await offline(false)
    await p2.locator(`${tid(`exchange-loaner-${NOT_LOANER}`)}[data-sync="rejected"] ${tid('exchange-loaner-rejected')}`).waitFor({ timeout: 60_000 })
    assert.equal((await slips()).length, 0, 'the refused lend made no slip')
    await settle(p2)
    await shot(p2, 'exchange-04b-loaner-refused-en-desktop')
    ok('saved offline (Saved on this tablet); online the server refused the unit not in the loaner warehouse, the slip says why')
    await offline(true)
    await field(p2, 'exchange-loaner-serial').fill(LOANER)
    await p2.locator(tid('exchange-loaner-lend')).click()
    await p2.locator(`${tid(`exchange-loaner-${LOANER}`)}[data-sync="pending"][data-out="true"]`).waitFor({ timeout: T })
    await offline(false)
    const lent = await eventually(async () => (await slips()).find((l) => l.serial === LOANER && !l.returned_at), 'the loaner lent offline posted')
    assert.match(lent.number, /^BJ-/)
    assert.match(JSON.stringify((await manager('GET', `/api/stock/serials/${LOANER}`))[0]), /customer/)
    await p2.locator(`${tid(`exchange-loaner-${LOANER}`)}[data-sync="posted"]`).getByText(lent.number).waitFor({ timeout: 60_000 })
    ok(`the loaner lent offline, posted once online as ${lent.number} (REST: the unit with the customer)`)
    // The customer cannot wait for the manufacturer: the loaner out is named in the handover dialog.
    await p2.locator(tid('exchange-action-convert_to_onsite')).click()
    await p2.locator(tid('exchange-dialog')).waitFor({ timeout: T })
    await p2.locator(tid('exchange-dialog-loaner')).waitFor({ timeout: T })
    await p2.locator(tid('exchange-dialog-cancel')).click()
    await p2.locator(tid('exchange-dialog')).waitFor({ state: 'detached', timeout: T })
    // Given back at the counter with the network off, then the point's unit handed over online.
    await offline(true)
    await p2.locator(tid(`exchange-loaner-return-${LOANER}`)).click()
    await p2.locator(`${tid(`exchange-loaner-${LOANER}`)}[data-out="false"] ${tid('exchange-loaner-saved-here')}`).waitFor({ timeout: T })
    await settle(p2)
    await shot(p2, 'exchange-04c-loaner-returned-offline-en-desktop')
    await offline(false)
    const back = await eventually(async () => (await slips()).find((l) => l.serial === LOANER && l.returned_at), 'the return posted')
    assert.equal(back.id, lent.id)
    await p2.locator(`${tid(`exchange-loaner-${LOANER}`)} ${tid('exchange-loaner-saved-here')}`).waitFor({ state: 'detached', timeout: 60_000 })
    ok('given back offline on the slip (Saved on this tablet), posted online (REST: the slip returned)')
    await p2.locator(tid('exchange-action-convert_to_onsite')).click()
    await p2.locator(tid('exchange-dialog')).waitFor({ timeout: T })
    await field(p2, 'exchange-replacement-imei').fill(R2)
    await field(p2, 'exchange-reason').fill('Customer cannot wait')
    await sign(p2)
    await p2.locator(tid('exchange-dialog-confirm')).click()
    await p2.locator(tid('exchange-dialog')).waitFor({ state: 'detached', timeout: T })
    const loanerBack = await manager('GET', `/api/stock/serials/${LOANER}`)
    assert.match(JSON.stringify(loanerBack[0]), /备机|loaner/i, JSON.stringify(loanerBack[0]))
    ok('the loaner in the loaner warehouse again (REST), then turned on-site')
    await stateIs(p2, 'pending_dispatch')
    await act(p2, 'dispatch', async () => {
      await field(p2, 'exchange-dispatch-imei').fill(OLD_C)
      await field(p2, 'exchange-carrier').fill('SF')
      await field(p2, 'exchange-tracking').fill(`SF${tag}`)
    })
    await stateIs(p2, 'at_factory')
    await settle(p2)
    await shot(p2, 'exchange-05-at-factory-en-desktop')
    await act(p2, 'receive_replacement', async () => { await field(p2, 'exchange-replacement-imei').fill(WRONG) })
    await stateIs(p2, 'completed')
    // The wrong unit was scanned in: 红冲 of that last step, with a reason, then the right one.
    await p2.locator(tid('exchange-reverse')).click()
    await p2.locator(tid('exchange-reverse-dialog')).waitFor({ timeout: T })
    await p2.locator(tid('exchange-reverse-confirm')).click()
    await p2.locator(`${tid('exchange-reverse-dialog')} .q-field--error`).waitFor({ timeout: T })
    await field(p2, 'exchange-reverse-reason').fill('Scanned the wrong unit')
    await settle(p2)
    await shot(p2, 'exchange-06a-reverse-en-desktop')
    await p2.locator(tid('exchange-reverse-confirm')).click()
    await p2.locator(tid('exchange-reverse-dialog')).waitFor({ state: 'detached', timeout: T })
    await stateIs(p2, 'at_factory')
    const whereWrong = await manager('GET', `/api/stock/serials/${WRONG}`).catch(() => [])
    assert.ok(!JSON.stringify(whereWrong).match(/良品|"good"/), `the reversed unit left good stock: ${JSON.stringify(whereWrong)}`)
    ok('reversed (红冲) from the order screen with a reason: back at the factory, the wrong unit out of good stock (REST)')
    await act(p2, 'receive_replacement', async () => { await field(p2, 'exchange-replacement-imei').fill(FACTORY) })
    await stateIs(p2, 'completed')
    await p2.locator(tid('exchange-mode-chip')).getByText('Return-to-factory turned on-site').waitFor({ timeout: T })
    const orderC = (await clerk('GET', `/api/exchange/orders?q=${OLD_C}`)).items[0]
    assert.deepEqual([orderC.mode, orderC.state, orderC.replacement_imei, orderC.factory_imei], ['C', 'completed', R2, FACTORY])
    const whereFactory = await manager('GET', `/api/stock/serials/${FACTORY}`)
    assert.match(JSON.stringify(whereFactory[0]), /良品|good/i, JSON.stringify(whereFactory[0]))
    const whereR2 = await manager('GET', `/api/stock/serials/${R2}`)
    assert.match(JSON.stringify(whereR2[0]), /customer/)
    await settle(p2)
    await shot(p2, 'exchange-06-mode-c-completed-en-desktop')
    ok(`mode C ${orderC.number}: turned on-site (R2 to the customer), sent, the manufacturer's unit received into the point's good stock (REST)`)

    // The customer comes back with the ticket: its E1 code scanned at the pickup screen opens the exchange order.
    await p2.goto(BASE_URL + '/repair/pickup')
    await p2.locator(tid('pickup-page')).waitFor({ timeout: T })
    await field(p2, 'scan-input').fill(exchangeToken(orderC.id))
    await p2.locator(tid('scan-submit')).click()
    await p2.waitForURL(`**/exchange/orders/${orderC.id}`, { timeout: T })
    await p2.locator(tid('exchange-number')).getByText(orderC.number).waitFor({ timeout: T })
    ok('the exchange ticket\'s E1 code scanned at the pickup screen opens the exchange order')

    // The list at tablet size in English, the order at desktop size in Chinese.
    await setLanguage(page, 'en')
    await page.goto(BASE_URL + '/exchange/orders')
    await page.locator(tid('exchange-list')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-07-list-en-tablet')
    await setLanguage(p2, 'zh-CN')
    await settle(p2)
    await shot(p2, 'exchange-08-mode-c-zh-desktop')
    assert.deepEqual([...consoleErrors, ...errors2], [], 'no console error')
    assert.deepEqual([...page.errors, ...p2.errors], [], 'no page error')
    await desk.context.close()
    await context.close()
    ok(`exchange scenario in ${Math.round((Date.now() - started) / 1000)} s`)
  },
}
