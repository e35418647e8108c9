// Exchange at the counter (issue 17 §1, §7). (a) Mode A OFFLINE: sz01.clerk on a zh-CN tablet takes
// a customer's phone in for an exchange with the network off (the 三包 verdict from the tablet's data:
// bought 3 days ago, a listed fault), hands a unit from the point's stock over (its IMEI typed as a
// scanner does, the customer signs) — 已保存在本机 — and, online again, the worker posts both (checked
// through REST: the order HJ-… in 待发厂, the replacement with the customer, the old unit in
// defective stock, the new warranty card from today); the exchange ticket and certificate print (200
// PDFs of the right form). (b) Mode C: a mode B intake online (English, desktop), turned on-site on
// the order's screen (the point's unit, signed), sent to the manufacturer and the manufacturer's unit
// received — every step through the order screen's actions (online steps) — and the manufacturer's
// unit is in the point's good stock (REST). Screens at tablet and desktop, zh-CN and en. No console error.
import assert from 'node:assert/strict'
import { BASE_URL, T, TABLET, apiAs, field, fontsReady, login, newContext, ok, setLanguage, shot, sign, tid, withLuhn } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }
const daysAgo = (n) => new Date(Date.now() - n * 86400000 + 8 * 3600000).toISOString().slice(0, 10)

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => {})
  await fontsReady(page)
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
    // The brands' default rule names who replaces the units (dispatch needs a manufacturer).
    const hq = await apiAs('hq.manager')
    if (!(await hq('GET', '/api/exchange/rules')).some((r) => !r.brand_id && r.manufacturer_id)) await hq('PUT', '/api/exchange/rules', { brand_id: null, manufacturer_id: maker.id })
    // The customers' phones: an IMEI of the device's model by its TAC (typed at the counter).
    const tac = (await clerk('GET', `/api/tacs?model_id=${device.model_id}&page_size=1`)).items[0]
    assert.ok(tac, 'demo data: a TAC of the device model')
    const [OLD_A, OLD_C] = [withLuhn(`${tac.code}${tag.slice(-5)}1`.slice(0, 14)), withLuhn(`${tac.code}${tag.slice(-5)}2`.slice(0, 14))]
    const FACTORY = withLuhn(`35${tag}0003`)

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
    await page.locator(`${tid('exchange-verdict')}[data-exchange="true"]`).waitFor({ timeout: T })
    await page.locator(tid('exchange-verdict-local')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-01-intake-offline-zh-tablet')
    ok('offline verdict from the tablet (bought 3 days ago, a listed fault): may be exchanged')
    await page.locator(tid('exchange-save')).click()
    await page.locator(tid('exchange-order-page')).waitFor({ timeout: T })
    await page.locator(tid('exchange-saved-here')).waitFor({ timeout: T })
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
    await login(p2, 'sz01.clerk')
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
    await act(p2, 'convert_to_onsite', async () => {
      await field(p2, 'exchange-replacement-imei').fill(R2)
      await field(p2, 'exchange-reason').fill('Customer cannot wait')
      await sign(p2)
    })
    await stateIs(p2, 'pending_dispatch')
    await act(p2, 'dispatch', async () => {
      await field(p2, 'exchange-dispatch-imei').fill(OLD_C)
      await field(p2, 'exchange-carrier').fill('SF')
      await field(p2, 'exchange-tracking').fill(`SF${tag}`)
    })
    await stateIs(p2, 'at_factory')
    await settle(p2)
    await shot(p2, 'exchange-05-at-factory-en-desktop')
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
