// Transfers across two organisations (issue 18 §4): sz01.manager makes a transfer request on the
// workspace (one part, 5 units) and submits it; hq.manager approves it on the approval screen from
// headquarters' good warehouse (its stock shown beside the line), cutting the quantity to 4, and issues
// the transfer order at once: the order opens with the 4; headquarters sees it in transit with its age;
// the point opens it on the receiving screen, counts 3 of the 4 (1 short, the sender's loss) and
// confirms; the discrepancy report and the order with its packing list are printed. Checked against the
// server: the approved quantity on the request and the order, the order received, the receipt's
// shortfall, nothing left in transit. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, settle, shot, T, TABLET, tid } from '../lib.mjs'

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

/** Choose in a workspace lookup: type, wait for the server's answer to that search, pick the option. */
async function pick(page, testId, text, optionText = text) {
  const input = field(page, testId)
  await input.click()
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === text, { timeout: T })
  await input.fill(text)
  await searched
  const option = page.locator('.q-menu .q-item').filter({ hasText: optionText }).first()
  await option.waitFor({ timeout: T })
  await option.click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

/** Click a print button and wait for its PDF. */
async function printed(page, context, path, click) {
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === path, { timeout: 30_000 })
  const tab = context.waitForEvent('page', { timeout: T })
  await click()
  const r = await answer
  assert.equal(r.status(), 200, path)
  assert.match(r.headers()['content-type'], /application\/pdf/)
  await (await tab).close()
}

export const scenarios = {
  async transfer(browser) {
    const admin = await apiAs('admin')
    const point = await apiAs('sz01.manager')
    const orgs = (await admin('GET', '/api/organisations?page_size=50')).items
    const hq = orgs.find((o) => o.code === 'HQ')
    const sz = orgs.find((o) => o.code === 'SZ01')
    const goods = (await admin('GET', '/api/warehouses?kind=good&page_size=100')).items
    const hqGood = goods.find((w) => w.org_id === hq.id)
    const szGood = goods.find((w) => w.org_id === sz.id)
    const part = (await admin('GET', '/api/items?q=HU-MATE60PRO&kind=part&page_size=50')).items.find((i) => i.code.endsWith('-BAT') && !i.serialized)
    const supplier = (await admin('GET', '/api/parties?role=supplier&page_size=5')).items[0]
    assert.ok(hq && sz && hqGood && szGood && part && supplier, 'demo data: HQ and SZ01 good warehouses, a part, a supplier')
    // Headquarters has the part in stock (a purchase receipt, through the stock API).
    const rk = await admin('POST', '/api/stock/goods-receipts', { kind: 'purchase', party_id: supplier.id, warehouse_id: hqGood.id,
      lines: [{ item_id: part.id, quantity: '20', unit_cost: '35.00' }] })
    await admin('POST', `/api/stock/goods-receipts/${rk.id}/post`)

    const tablet = await newContext(browser, TABLET)
    const desk = await newContext(browser, TABLET)
    const errors = [...[tablet.page, desk.page].map(watchConsole)]
    try {
      // -- the point asks ----------------------------------------------------------------------------
      const page = tablet.page
      await page.goto(BASE_URL + '/login')
      await login(page, 'sz01.manager')
      await page.locator(tid('menu-ws-transfer_request')).waitFor({ timeout: T })
      assert.match(await page.locator(tid('main-menu')).innerText(), /调拨申请单[\s\S]*调拨单[\s\S]*调拨收货/)
      await page.locator(tid('menu-ws-transfer_request')).click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-new')).click()
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await pick(page, 'ws-field-warehouse_id', szGood.name)
      await pick(page, 'ws-line-0-item_id', part.code)
      await field(page, 'ws-line-0-quantity').fill('5')
      await settle(page)
      await shot(page, 'transfer-01-request-form-zh-tablet')
      await page.locator(tid('ws-save')).click()
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-status-draft')).waitFor({ timeout: T })
      const requestId = page.url().split('/').pop()
      await page.locator(tid('ws-action-submit')).click()
      await page.locator('.q-dialog .q-btn').filter({ hasText: '提交' }).last().click()
      await page.locator(tid('ws-status-submitted')).waitFor({ timeout: T })
      const request = await point('GET', `/api/transfers/requests/${requestId}`)
      assert.match(request.number, /^SQ-SZ01-\d{4}-\d+$/)
      await settle(page)
      await shot(page, 'transfer-02-request-submitted-zh-tablet')
      ok(`the point's request ${request.number}: 5 × ${part.code}, submitted to headquarters`)

      // -- headquarters approves and issues ------------------------------------------------------------
      const hqPage = desk.page
      await hqPage.goto(BASE_URL + '/login')
      await login(hqPage, 'hq.manager')
      await hqPage.locator(tid('home-page')).waitFor({ timeout: T })
      await hqPage.goto(`${BASE_URL}/workspace/transfer_request/${requestId}`)
      await hqPage.locator(tid('ws-status-submitted')).waitFor({ timeout: T })
      await hqPage.locator(tid('ws-action-approve')).click()
      // Headquarters approves on its own screen: the line asked for 5, the stock of the chosen warehouse beside it.
      await hqPage.locator(tid('transfer-approve-page')).waitFor({ timeout: T })
      await hqPage.locator(tid('ta-line-0')).waitFor({ timeout: T })
      assert.equal(await field(hqPage, 'ta-qty-0').inputValue(), '5')
      await pick(hqPage, 'ta-input-from_warehouse_id', hqGood.name)
      await hqPage.locator(tid('ta-stock-0')).filter({ hasText: /库存 \d+/ }).waitFor({ timeout: T })
      await field(hqPage, 'ta-qty-0').fill('4')
      await hqPage.locator(tid('ta-changed-0')).filter({ hasText: '由 5 改为 4' }).waitFor({ timeout: T })
      await field(hqPage, 'ta-input-waybill').fill('SF7788990011')
      // Issuing at once is the export's default: the button says so.
      await hqPage.locator(tid('ta-submit')).filter({ hasText: '批准并发货' }).waitFor({ timeout: T })
      await settle(hqPage)
      await shot(hqPage, 'transfer-03-approve-page-zh-tablet')
      await hqPage.locator(tid('ta-submit')).click()
      await hqPage.waitForURL(/\/workspace\/transfer_order\//, { timeout: T })
      await hqPage.locator(tid('ws-document-page')).waitFor({ timeout: T })
      const approved = await point('GET', `/api/transfers/requests/${requestId}`)
      assert.equal(approved.state, 'approved')
      assert.equal(approved.lines[0].approved_quantity, '4.000')
      assert.match(approved.order_number || '', /^DB-HQ-\d{4}-\d+$/, 'the transfer order was issued from the request')
      const order = await point('GET', `/api/transfers/orders/${approved.order_id}`)
      assert.equal(order.stage, 'in_transit')
      assert.deepEqual(order.lines.map((l) => [l.item_code, l.quantity]), [[part.code, '4.000']])
      assert.equal(order.value, '140.00')
      // The order's page is the one approved: its number, the part, 4 units.
      assert.ok(hqPage.url().endsWith(`/workspace/transfer_order/${order.id}`), hqPage.url())
      await hqPage.locator(tid('ws-document-page')).filter({ hasText: order.number }).waitFor({ timeout: T })
      const row = hqPage.locator(`${tid('ws-lines')} tbody tr`).filter({ hasText: part.code }).first()
      await row.waitFor({ timeout: T })
      assert.match(await row.innerText(), /(^|\s)4(\.000)?(\s|$)/, 'the order line shows the approved 4')
      await settle(hqPage)
      await shot(hqPage, 'transfer-04-order-as-approved-zh-tablet')
      ok(`approved at headquarters, 5 cut to 4: ${order.number} issued from ${hqGood.name}, 4 units worth ¥140.00 in transit`)

      await hqPage.goto(`${BASE_URL}/transfer/in-transit`)
      await hqPage.locator(tid(`transfer-in-transit-${order.number}`)).waitFor({ timeout: T })
      await settle(hqPage)
      await shot(hqPage, 'transfer-05-in-transit-zh-tablet')
      ok('headquarters sees it in transit, with its age in days')

      // -- the point receives with a shortfall ---------------------------------------------------------
      await page.locator(tid('menu-transferReceive')).click()
      await page.locator(tid(`transfer-incoming-${order.number}`)).click()
      await page.locator(tid('transfer-number')).waitFor({ timeout: T })
      await field(page, 'transfer-received-0').fill('3')
      await page.locator(tid('transfer-short-0')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'transfer-06-receive-shortfall-zh-tablet')
      await page.locator(tid('transfer-submit')).click()
      await page.locator(tid('transfer-received')).waitFor({ timeout: T })
      const got = await point('GET', `/api/transfers/orders/${order.id}`)
      assert.equal(got.stage, 'received')
      const receipt = await point('GET', `/api/transfers/receipts/${got.receipt_id}`)
      assert.deepEqual([receipt.lines[0].received, receipt.lines[0].shortfall, receipt.lines[0].shortfall_value], ['3.000', '1.000', '35.00'])
      const transit = await admin('GET', '/api/transfers/in-transit')
      assert.ok(!transit.items.some((r) => r.order_id === order.id), 'nothing of it left in transit')
      await settle(page)
      await shot(page, 'transfer-07-received-zh-tablet')
      ok(`received at SZ01 (${receipt.number}): 3 good, 1 short written off at headquarters (¥35.00); nothing left in transit`)

      // -- papers ------------------------------------------------------------------------------------------
      await printed(page, tablet.context, `/api/print/transfer-discrepancy/${receipt.id}`, () => page.locator(tid('transfer-print-report')).click())
      await printed(page, tablet.context, `/api/print/transfer-order/${order.id}`, () => page.locator(tid('transfer-print-order')).click())
      ok('printed: the receiving discrepancy report and the transfer order with its packing list (A4 PDFs)')
      assert.deepEqual(errors.flat(), [])
    } finally {
      await tablet.context.close()
      await desk.context.close()
    }
  },
}
