// Wholesale (issue 18 §6), all on the workspace's screens: hq.manager enters a sales order for the
// dealer 深圳迅捷通讯 from headquarters' good warehouse (chargers and cables at the wholesale price
// less the dealer's 3 %, VAT inside); submitted, it is over the dealer's credit limit (5,000.00) and
// waits for an approver; hq.finance approves it; hq.warehouse delivers it in two parts (delivery notes
// naming the order, posted: stock out at the moving average, the receivable up) and prints the second
// delivery note on A4. Every step is checked against the server. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, logout, newContext, ok, settle, shot, T, TABLET, tid } from '../lib.mjs'

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

/** Choose in a workspace lookup: type, wait for the server's answer to that search, pick the option. */
async function pick(page, testId, text, optionText = text, param = 'q') {
  const input = field(page, testId)
  await input.click()
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get(param) === text, { timeout: T })
  await input.fill(text)
  await searched
  const option = page.locator('.q-menu .q-item').filter({ hasText: optionText }).first()
  await option.waitFor({ timeout: T })
  await option.click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

/** Confirm the action's question dialog (an action without input fields). */
async function confirmAction(page, name, label) {
  await page.locator(tid(`ws-action-${name}`)).click()
  await page.locator('.q-dialog .q-btn').filter({ hasText: label }).last().click()
}

async function receivable(call, partyId, orgId) {
  const page = await call('GET', `/api/finance/counterparty-balances?org_id=${orgId}&direction=receivable&page_size=200`)
  const row = page.items.find((r) => r.counterparty_kind === 'party' && r.counterparty_id === partyId)
  return row ? Number(row.receivable) : 0
}

async function deliver(page, number, lines) {
  await page.locator(tid('menu-ws-sales_delivery')).click()
  await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
  await page.locator(tid('ws-new')).click()
  await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
  await pick(page, 'ws-field-order_id', number)
  for (const [i, [code, qty]] of lines.entries()) {
    if (i > 0) await page.locator(tid('ws-add-line')).click()
    await pick(page, `ws-line-${i}-item_id`, code)
    await field(page, `ws-line-${i}-quantity`).fill(qty)
  }
  await page.locator(tid('ws-save-post')).click()
  await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
  await page.locator(tid('ws-status-posted')).waitFor({ timeout: T })
  const title = await page.locator('h1').innerText()
  const delivery = /FH-HQ-\d{4}-\d+/.exec(title)?.[0]
  assert.ok(delivery, `the posted delivery shows its number: ${title}`)
  await page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`).nth(lines.length - 1).waitFor({ timeout: T })
  return { delivery, id: page.url().split('/').pop() }
}

export const scenarios = {
  async wholesale(browser) {
    const call = await apiAs('hq.manager')
    const hq = (await call('GET', '/api/organisations?q=HQ')).items.find((o) => o.code === 'HQ')
    const good = (await call('GET', `/api/warehouses?kind=good&org_id=${hq.id}`)).items.find((w) => w.org_id === hq.id)
    const dealer = (await call('GET', '/api/parties?role=dealer&q=迅捷')).items[0]
    assert.ok(hq && good && dealer, 'demo data: headquarters, its good warehouse, the dealer 深圳迅捷通讯')
    assert.equal(dealer.credit_limit, '5000.00')
    const before = await receivable(call, dealer.id, hq.id)

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    try {
      await page.goto(BASE_URL + '/login')
      await login(page, 'hq.manager')
      await page.locator(tid('home-page')).waitFor({ timeout: T })
      await page.locator(tid('menu-ws-sales_order')).waitFor({ timeout: T })
      assert.match(await page.locator(tid('main-menu')).innerText(), /销售订单[\s\S]*发货单[\s\S]*销售退货单/)
      ok("the drawer's trade section lists the sales order, delivery and sales return")

      // -- the order -------------------------------------------------------------------------------
      await page.locator(tid('menu-ws-sales_order')).click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-new')).click()
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await pick(page, 'ws-field-org_id', '总部', hq.name)
      await pick(page, 'ws-field-party_id', '迅捷', dealer.name)
      await pick(page, 'ws-field-warehouse_id', '良品', good.name)
      await pick(page, 'ws-line-0-item_id', 'HUAWEI-CHARGER')
      await field(page, 'ws-line-0-quantity').fill('60')
      await page.locator(tid('ws-add-line')).click()
      await pick(page, 'ws-line-1-item_id', 'HUAWEI-CABLE')
      await field(page, 'ws-line-1-quantity').fill('40')
      await settle(page)
      await shot(page, 'wholesale-01-order-form-zh-tablet')
      await page.locator(tid('ws-save')).click()
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-status-draft')).waitFor({ timeout: T })
      const orderId = page.url().split('/').pop()
      // 60 × 79.20 × 0.97 + 40 × 31.20 × 0.97 = 4,609.44 + 1,210.56 (the one money rule, VAT inside).
      let order = await call('GET', `/api/sales/orders/${orderId}`)
      assert.equal(order.gross_total, '5820.00')
      assert.deepEqual(order.lines.map((l) => [l.unit_price, l.discount_rate]), [['79.2000', '0.0300'], ['31.2000', '0.0300']])
      await page.locator(tid('ws-lines')).getByText(/5,?820\.00/).first().waitFor({ timeout: T })
      ok('saved as a draft at the wholesale price less the dealer\'s 3 %: 5,820.00')

      await confirmAction(page, 'submit', '提交')
      await page.locator(tid('ws-status-awaiting_approval')).waitFor({ timeout: T })
      order = await call('GET', `/api/sales/orders/${orderId}`)
      const number = order.number
      assert.match(number, /^XS-HQ-\d{4}-\d+$/)
      assert.equal(order.credit_limit, '5000.00')
      await settle(page)
      await shot(page, 'wholesale-02-order-awaiting-approval-zh-tablet')
      ok(`submitted ${number}: over the credit limit, it waits for an approver`)
      await logout(page)

      // -- the approver ----------------------------------------------------------------------------
      await login(page, 'hq.finance')
      await page.locator(tid('home-page')).waitFor({ timeout: T })
      await page.goto(`${BASE_URL}/workspace/sales_order/${orderId}`)
      await page.locator(tid('ws-status-awaiting_approval')).waitFor({ timeout: T })
      await confirmAction(page, 'approve', '信用审批通过')
      await page.locator(tid('ws-status-approved')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'wholesale-03-order-approved-zh-tablet')
      ok('hq.finance approved it over the limit')
      await logout(page)

      // -- two deliveries --------------------------------------------------------------------------
      await login(page, 'hq.warehouse')
      await page.locator(tid('home-page')).waitFor({ timeout: T })
      const first = await deliver(page, number, [['HUAWEI-CHARGER', '30']])
      assert.match(await page.locator(tid('ws-ledger-stock_moves')).innerText(), new RegExp(good.name))
      await settle(page)
      await shot(page, 'wholesale-04-first-delivery-zh-tablet')
      const d1 = await call('GET', `/api/sales/deliveries/${first.id}`)
      assert.equal(d1.lines[0].cost, '1170.00') // 30 at the moving average of 39.00
      assert.equal(await receivable(call, dealer.id, hq.id) - before, Number(d1.gross_total))
      ok(`first part ${first.delivery}: 30 chargers out at cost 1,170.00, receivable +${d1.gross_total}`)
      await page.goto(`${BASE_URL}/workspace/sales_order/${orderId}`)
      await page.locator(tid('ws-status-partly_delivered')).waitFor({ timeout: T })
      ok('the order shows 部分发货')

      const second = await deliver(page, number, [['HUAWEI-CHARGER', '30'], ['HUAWEI-CABLE', '40']])
      assert.equal(Math.round((await receivable(call, dealer.id, hq.id) - before) * 100), 582000)
      ok(`the rest (${second.delivery}): the receivable rose by the order's 5,820.00`)

      // Printed on A4 from the delivery's page.
      const printPath = `/api/print/delivery-note/${second.id}`
      const printed = page.waitForResponse((r) => new URL(r.url()).pathname === printPath, { timeout: 30_000 })
      const tab = context.waitForEvent('page', { timeout: T })
      await page.locator(tid('ws-print')).click()
      await page.locator(tid('ws-print-delivery-note-a4')).click()
      const answer = await printed
      assert.equal(answer.status(), 200)
      assert.match(answer.headers()['content-type'], /application\/pdf/)
      await (await tab).close()
      const token = await (await fetch(`${BASE_URL}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'hq.warehouse', password: 'demo-2026' }) })).json()
      const html = await (await fetch(`${BASE_URL}${printPath}?format=html&lang=zh`, { headers: { Authorization: `Bearer ${token.access_token}` } })).text()
      assert.match(html, /发货单/)
      assert.ok(html.includes(second.delivery) && html.includes(number) && html.includes(dealer.name), 'the printed note is this delivery, of this order, to this dealer')
      ok('the delivery note printed on A4: a PDF; as HTML with its number, the order and the dealer')

      await page.goto(`${BASE_URL}/workspace/sales_order/${orderId}`)
      await page.locator(tid('ws-status-delivered')).waitFor({ timeout: T })
      order = await call('GET', `/api/sales/orders/${orderId}`)
      assert.deepEqual(order.lines.map((l) => l.delivered_quantity), ['60.000', '40.000'])
      await settle(page)
      await shot(page, 'wholesale-05-order-delivered-zh-tablet')
      ok('the order is 已发货, each line delivered in full')
      assert.deepEqual(consoleErrors, [])
    } finally {
      await context.close()
    }
  },
}
