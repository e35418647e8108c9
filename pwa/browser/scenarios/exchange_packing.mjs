// The exchange packing list at the workshop's box screens (换机装箱单, issue 17 §5), offline. A counter
// tablet has taken in a mode B exchange (返厂换机: the customer's unit goes to the manufacturer) and a
// repair device for the factory (intake and acceptance events through the sync proxy, as a tablet
// writes them). The courier's tablet lists the exchange waiting to be sent; OFFLINE it packs the
// repair device (its IMEI) and the exchange unit (its ticket's E1 code) into one factory box, the
// exchange line showing its HJ number, and sends it; online the worker posts it (REST: the exchange
// at the factory, its unit in transit; the repair device away). The box prints as 维修换机装箱单.
// OFFLINE again the manufacturer's replacement is scanned in: a new IMEI, so the screen asks which
// exchange it replaces; the repair device comes back too. Online: the exchange order is 待取新机 with
// the replacement (REST), and its page at the point shows it. Screens at 1024×768, zh-CN and then en; no page error.
import assert from 'node:assert/strict'
import { BASE_URL, COUNTER, T, apiAs, field, fontsReady, login, newContext, ok, setLanguage, shot, sign, tid, withLuhn } from '../lib.mjs'
import { uuidv7 } from '../../src/sync/ids.js'
import { exchangeToken } from '../../src/print/token.js'

const POSTED = 90_000
const rfc3339 = (d = new Date()) => d.toISOString().replace('Z', '+00:00')
const daysAgo = (n) => new Date(Date.now() - n * 86400000 + 8 * 3600000).toISOString().slice(0, 10)

async function eventually(fn, what, ms = POSTED) {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn().catch(() => null)
    if (v) return v
    assert.ok(Date.now() < until, `in time: ${what}`)
    await new Promise((r) => setTimeout(r, 400))
  }
}

async function settle(page) {
  await page.mouse.move(2, 2)
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
  await fontsReady(page)
}

async function scan(page, text) {
  await field(page, 'scan-input').fill(text)
  await page.locator(tid('scan-submit')).click()
}

/** The counter's intakes, written to the point's database as its tablet does; posted by the worker. */
async function prepare() {
  const clerk = await apiAs('sz01.clerk')
  const me = (await clerk('GET', '/api/auth/me')).user
  const tac = (await clerk('GET', '/api/tacs?page_size=5')).items[0]
  const stamp = String(Date.now())
  const REPAIR = withLuhn(tac.code + stamp.slice(-6))
  const OLD = withLuhn(tac.code + String(Number(stamp.slice(-6)) + 7).padStart(6, '0').slice(-6))
  const NEW = withLuhn(tac.code + String(Number(stamp.slice(-6)) + 13).padStart(6, '0').slice(-6))
  // A coded fault the 三包 rule counts, 5 days after the sale: an exchange by rule.
  const symptoms = (await clerk('GET', `/api/fault-symptoms?page_size=30`)).items
  let symptom = null
  for (const s of symptoms) {
    const v = await clerk('POST', '/api/exchange/eligibility', { imei: OLD, model_id: tac.model_id, symptom_ids: [s.id], purchase_date: daysAgo(5) }).catch(() => null)
    if (v?.exchange) {
      symptom = s
      break
    }
  }
  assert.ok(symptom, 'demo data: a fault symptom the exchange rules count')
  const env = (type, minutesAgo) => ({ _id: uuidv7(), type, org: me.org_id, user_id: me.id, device_id: 'XPACK', created_at: rfc3339(new Date(Date.now() - minutesAgo * 60_000)) })
  const repair = { ...env('repair_intake', 30), imei: REPAIR, customer_name: '周立', customer_phone: '13800138021', model_id: tac.model_id, fault_description: '主板故障，返厂维修', provisional_code: `XPR-${stamp.slice(-4)}` }
  repair.order_id = repair._id
  const accept = { ...env('repair_event', 29), order_id: repair._id, event: 'accept' }
  const exchange = {
    ...env('exchange_intake', 20), imei: OLD, model_id: tac.model_id, symptom_ids: [symptom.id], fault_description: '屏幕闪烁',
    purchase_date: daysAgo(5), mode: 'B', customer_name: '钱敏', customer_phone: '13800138022', provisional_code: `XPX-${stamp.slice(-4)}`,
  }
  exchange.order_id = exchange._id
  const res = await clerk('POST', '/sync/sp_sz01/_bulk_docs', { docs: [repair, accept, exchange] })
  assert.ok(res.every((r) => r.ok), `events written: ${JSON.stringify(res)}`)
  const x = await eventually(async () => {
    const o = (await clerk('GET', `/api/exchange/orders?q=${OLD}`)).items[0]
    return o?.number ? o : null
  }, 'the exchange intake posted')
  await eventually(async () => (await clerk('GET', `/api/repair/orders/${repair._id}`)).order.state === 'pending_repair', 'the repair accepted')
  const detail = await clerk('GET', `/api/exchange/orders/${x.id}`)
  assert.ok(detail.order.manufacturer_id, 'the brand\'s rule names who replaces the unit')
  const maker = await clerk('GET', `/api/parties/${detail.order.manufacturer_id}`)
  return { clerk, REPAIR, OLD, NEW, repair, exchange, number: x.number, maker }
}

export const scenarios = {
  async exchange_packing(browser) {
    const started = Date.now()
    // The brands' default rule names who replaces the units (the intake takes the manufacturer from it).
    const hq = await apiAs('hq.manager')
    if (!(await hq('GET', '/api/exchange/rules')).some((r) => !r.brand_id && r.manufacturer_id)) {
      const maker = (await hq('GET', '/api/parties?role=manufacturer&page_size=5')).items[0]
      await hq('PUT', '/api/exchange/rules', { brand_id: null, manufacturer_id: maker.id })
    }
    const { clerk, REPAIR, OLD, NEW, repair, exchange, number, maker } = await prepare()
    const xCode = exchange.provisional_code
    const rCode = repair.provisional_code
    ok(`a mode B exchange ${number} and a repair device for the factory taken in at the counter (${maker.name})`)

    const { context, page } = await newContext(browser, COUNTER)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.courier')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
    })
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await page.locator(tid('menu-workshopPacking')).click()
    await page.locator(tid('ws-packing-page')).waitFor({ timeout: T })
    const waitingRow = page.locator(tid(`ws-exchange-waiting-${xCode}`))
    await waitingRow.getByText(number).waitFor({ timeout: POSTED })
    await waitingRow.getByText(maker.name).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-packing-01-waiting-zh-counter')
    ok(`the box screen lists ${number} waiting to go to ${maker.name}`)

    // ---- offline: one box, the repair device and the exchange unit --------------------------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await page.locator(tid('ws-box-new')).click()
    await page.locator(tid('ws-box-maker')).click()
    await page.locator('.q-menu .q-item').getByText(maker.name, { exact: true }).click()
    await field(page, 'ws-box-carrier').fill('顺丰速运')
    await field(page, 'ws-box-tracking').fill('SF7788990011')
    await page.locator(tid('ws-box-create')).click()
    await page.locator(tid('ws-box-page')).waitFor({ timeout: T })
    await page.locator(tid(`ws-waiting-${xCode}`)).getByText(number).waitFor({ timeout: T })
    await scan(page, REPAIR)
    await page.locator(tid(`ws-line-${rCode}`)).waitFor({ timeout: T })
    await scan(page, exchangeToken(exchange._id)) // the exchange ticket's QR code
    const xLine = page.locator(tid(`ws-line-${xCode}`))
    await xLine.locator(tid('ws-line-exchange')).waitFor({ timeout: T })
    assert.equal((await xLine.locator(tid('ws-line-number')).innerText()).trim(), number)
    // Packed, it leaves the waiting list (other scenarios on the same server may leave units of their own there).
    await page.locator(tid(`ws-waiting-${xCode}`)).waitFor({ state: 'detached', timeout: T })
    await scan(page, OLD)
    await page.getByText('这台机器已在本箱第 2 行').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-packing-02-box-offline-zh-counter')
    ok('offline: the repair device (IMEI) and the exchange unit (E1 code) in one box, the exchange line under its HJ number; a second scan refused')
    await page.locator(tid('ws-box-send')).click()
    await page.locator(tid('ws-send-dialog-ok')).click()
    await page.locator(tid('ws-box-state-sending')).waitFor({ timeout: T })
    ok('sent offline: 待同步 on the tablet')

    await context.setOffline(false)
    const title = page.locator(tid('ws-box-title'))
    await title.getByText(/^ZX-SZ01-/).waitFor({ timeout: POSTED })
    await page.locator(tid('ws-box-state-in_transit')).waitFor({ timeout: T })
    const zx = (await title.innerText()).trim()
    const x1 = (await clerk('GET', `/api/exchange/orders/${exchange._id}`)).order
    assert.deepEqual([x1.state, x1.unit_at, x1.carrier, x1.tracking_no], ['at_factory', 'transit', '顺丰速运', 'SF7788990011'])
    assert.ok((await clerk('GET', `/api/repair/orders/${repair._id}`)).order.forwarded_out, 'the repair device is away')
    const lines = (await clerk('GET', `/api/repair/packing-lists/${(await clerk('GET', `/api/repair/packing-lists?purpose=factory&page_size=5`)).items.find((l) => l.number === zx).id}`)).lines
    assert.deepEqual(lines.map((l) => [l.kind, l.imei, l.order_number]), [['repair', REPAIR, lines[0].order_number], ['exchange', OLD, number]])
    ok(`synced: ${zx} posted, the exchange at the factory with its unit in transit (REST), the repair device away`)
    // The box's paper: a mixed box prints as 维修换机装箱单.
    await page.locator(tid('print-menu')).click()
    await page.locator('.q-menu').getByText('维修换机装箱单').waitFor({ timeout: T })
    const answer = page.waitForResponse((r) => r.url().includes('/api/print/packing-list/'), { timeout: T })
    const popup = context.waitForEvent('page', { timeout: T }).catch(() => null)
    await page.locator(tid('print-packing-list-a4')).click()
    const printedList = await answer
    assert.equal(printedList.status(), 200)
    assert.match(printedList.headers()['content-type'] || '', /pdf/)
    await (await popup)?.close()
    await settle(page)
    await page.locator(tid('ws-box-lines')).scrollIntoViewIfNeeded()
    await shot(page, 'exchange-packing-03-sent-zh-counter')
    ok('printed: the packing list of the mixed box (200 PDF)')

    // ---- offline: the manufacturer's replacement and the repaired device come back ----------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await sign(page)
    await scan(page, NEW)
    await page.locator(tid('ws-which-dialog')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-packing-04-which-zh-counter')
    await page.locator(tid(`ws-which-${xCode}`)).click()
    await xLine.locator(tid('ws-line-replacement')).getByText(NEW).waitFor({ timeout: T })
    await scan(page, REPAIR)
    await page.locator(tid(`ws-line-${rCode}`)).locator(tid('ws-line-state-received')).waitFor({ timeout: T })
    await xLine.locator(tid('ws-line-state-received')).waitFor({ timeout: T })
    await settle(page)
    await xLine.scrollIntoViewIfNeeded()
    await shot(page, 'exchange-packing-05-received-offline-zh-counter')
    ok('offline check-in: a new IMEI asks which exchange it replaces; the replacement named on the exchange line, the repair device back')

    await context.setOffline(false)
    const x2 = await eventually(async () => {
      const o = (await clerk('GET', `/api/exchange/orders/${exchange._id}`)).order
      return o.state === 'pending_pickup' ? o : null
    }, 'the replacement received against the exchange')
    assert.equal(x2.replacement_imei, NEW)
    // The same box in English: the exchange line's badge and its replacement.
    await setLanguage(page, 'en')
    await xLine.locator(tid('ws-line-exchange')).getByText('Exchange', { exact: true }).waitFor({ timeout: T })
    await xLine.locator(tid('ws-line-replacement')).getByText(`Manufacturer's unit ${NEW}`).waitFor({ timeout: T })
    await settle(page)
    await xLine.scrollIntoViewIfNeeded()
    await shot(page, 'exchange-packing-05b-received-en-counter')
    const serial = await clerk('GET', `/api/stock/serials/${NEW}`)
    assert.match(JSON.stringify(serial[0]), /good|良品/i, JSON.stringify(serial[0]))
    ok(`synced: ${number} is 待取新机 with the manufacturer's unit ${NEW} in good stock (REST)`)
    // The exchange order at the point shows the replacement arrived.
    await page.goto(BASE_URL + `/exchange/orders/${exchange._id}`)
    await page.locator(`${tid('exchange-state')}[data-state="pending_pickup"]`).waitFor({ timeout: 60_000 })
    await page.locator(tid('exchange-new-imei')).getByText(NEW).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'exchange-packing-06-order-en-counter')
    ok('the exchange order at the point: pending pickup (待取新机), the new IMEI shown; the box and the order in English')
    assert.deepEqual(page.errors, [])
    await context.close()
    console.log(`exchange_packing took ${Math.round((Date.now() - started) / 1000)} s`)
  },
}
