// Purchasing (issue 18 §5), all on the workspace's screens: sz01.manager on a tablet makes a purchase
// order to a supplier (two priced lines, VAT), saves it, approves it and prints it on A4; then receives
// part of it against the order (a purchase receipt naming the order, posted: stock and payable), the
// order shows 部分到货 and what arrived per line; then the rest, and the order is 已到货. Every step is
// checked against the server (stock moves, the supplier's payable). No console error.
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

async function payable(call, supplierId, orgId) {
  const page = await call('GET', `/api/finance/counterparty-balances?org_id=${orgId}&direction=payable&page_size=200`)
  const row = page.items.find((r) => r.counterparty_kind === 'party' && r.counterparty_id === supplierId)
  return row ? Number(row.payable) : 0
}

async function receive(page, number, lines) {
  await page.locator(tid('menu-ws-purchase_receipt')).click()
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
  const receipt = /CR-SZ01-\d{4}-\d+/.exec(title)?.[0]
  assert.ok(receipt, `the posted receipt shows its number: ${title}`)
  await page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`).nth(lines.length - 1).waitFor({ timeout: T })
  return receipt
}

export const scenarios = {
  async purchase(browser) {
    const call = await apiAs('sz01.manager')
    const good = (await call('GET', '/api/warehouses?kind=good')).items[0]
    const supplier = (await call('GET', '/api/parties?role=supplier&q=华强北')).items[0]
    const items = (await call('GET', '/api/items?q=HU-MATE60PRO&kind=part&page_size=50')).items
    const screen = items.find((i) => i.code.endsWith('-SCR'))
    const battery = items.find((i) => i.code.endsWith('-BAT'))
    assert.ok(good && supplier && screen && battery, 'demo data: SZ01 good warehouse, a supplier, Mate 60 Pro parts')
    const orgId = good.org_id
    const demo = await call('GET', '/api/purchase/orders?status=partly_received')
    assert.ok(demo.total >= 1, 'the demo has an approved order partly received (server/purchase/demo.py)')
    const before = await payable(call, supplier.id, orgId)

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    try {
      await page.goto(BASE_URL + '/login')
      await login(page, 'sz01.manager')
      await page.locator(tid('home-page')).waitFor({ timeout: T })
      await page.locator(tid('menu-ws-purchase_order')).waitFor({ timeout: T })
      assert.match(await page.locator(tid('main-menu')).innerText(), /采购销售[\s\S]*采购订单[\s\S]*采购入库单[\s\S]*采购退货单/)
      ok('the drawer\'s trade section lists the purchase order, receipt and return')

      // -- the order -------------------------------------------------------------------------------
      await page.locator(tid('menu-ws-purchase_order')).click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid(`ws-row-${demo.items[0].number}`)).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'purchase-00-orders-list-zh-tablet')
      ok(`the orders list: the demo's ${demo.items[0].number} 部分到货`)
      await page.locator(tid('ws-new')).click()
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await pick(page, 'ws-field-party_id', '华强北', supplier.name)
      await pick(page, 'ws-field-warehouse_id', '良品', good.name)
      await pick(page, 'ws-line-0-item_id', screen.code)
      await field(page, 'ws-line-0-quantity').fill('10')
      await field(page, 'ws-line-0-unit_price').fill('100')
      await field(page, 'ws-line-0-tax_rate').fill('0.13')
      await page.locator(tid('ws-add-line')).click()
      await pick(page, 'ws-line-1-item_id', battery.code)
      await field(page, 'ws-line-1-quantity').fill('6')
      await field(page, 'ws-line-1-unit_price').fill('50')
      await field(page, 'ws-line-1-tax_rate').fill('0.13')
      assert.equal(await page.locator(tid('ws-form-total-quantity')).innerText(), '16')
      await settle(page)
      await shot(page, 'purchase-01-order-form-zh-tablet')
      await page.locator(tid('ws-save')).click()
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-status-draft')).waitFor({ timeout: T })
      const number = /CG-SZ01-\d{4}-\d+/.exec(await page.locator('h1').innerText())?.[0]
      assert.ok(number, 'the order is numbered when saved')
      const orderId = page.url().split('/').pop()
      // 10 × 100 + 13 % and 6 × 50 + 13 %: 1,130.00 + 339.00 (the one money rule).
      const order = await call('GET', `/api/purchase/orders/${orderId}`)
      assert.equal(order.gross_total, '1469.00')
      // The line table's totals: net, tax, gross summed as the server rounded them.
      await page.locator(tid('ws-lines')).getByText(/1,?469\.00/).first().waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'purchase-01b-order-draft-zh-tablet')
      ok(`saved as a draft: ${number}, net 1,300.00 + VAT 169.00 = 1,469.00`)

      await confirmAction(page, 'approve', '审批')
      await page.locator(tid('ws-status-approved')).waitFor({ timeout: T })
      assert.equal(await page.locator(tid('ws-action-edit')).count(), 0, 'an approved order is not edited')
      await settle(page)
      await shot(page, 'purchase-02-order-approved-zh-tablet')
      ok('approved: no more edits; close and cancel offered')

      // Printed on A4 from the document page.
      const printPath = `/api/print/purchase-order/${orderId}`
      const printed = page.waitForResponse((r) => new URL(r.url()).pathname === printPath, { timeout: 30_000 })
      const tab = context.waitForEvent('page', { timeout: T })
      await page.locator(tid('ws-print')).click()
      await page.locator(tid('ws-print-purchase-order-a4')).click()
      const answer = await printed
      assert.equal(answer.status(), 200)
      assert.match(answer.headers()['content-type'], /application\/pdf/)
      await (await tab).close()
      const token = await (await fetch(`${BASE_URL}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'sz01.manager', password: 'demo-2026' }) })).json()
      const html = await (await fetch(`${BASE_URL}${printPath}?format=html&lang=zh`, { headers: { Authorization: `Bearer ${token.access_token}` } })).text()
      assert.match(html, /采购订单/)
      assert.ok(html.includes(number) && html.includes('¥1,469.00'), 'the printed order is this one, with its total')
      ok('printed on A4: a PDF; as HTML titled 采购订单 with its number and total')

      // -- part of it arrives ----------------------------------------------------------------------
      const first = await receive(page, number, [[screen.code, '4']])
      assert.match(await page.locator(tid('ws-ledger-stock_moves')).innerText(), new RegExp(`${good.name}（仓库）`))
      await settle(page)
      await shot(page, 'purchase-03-receipt-posted-zh-tablet')
      assert.equal(await payable(call, supplier.id, orgId) - before, 452)
      ok(`received 4 screens against ${number}: ${first}, stock into ${good.name}, payable +452.00`)

      await page.goto(`${BASE_URL}/workspace/purchase_order/${orderId}`)
      await page.locator(tid('ws-status-partly_received')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'purchase-04-order-partly-received-zh-tablet')
      ok('the order shows 部分到货 and what arrived per line')

      // -- the rest ----------------------------------------------------------------------------------
      const second = await receive(page, number, [[screen.code, '6'], [battery.code, '6']])
      assert.equal(await payable(call, supplier.id, orgId) - before, 1469)
      await page.goto(`${BASE_URL}/workspace/purchase_order/${orderId}`)
      await page.locator(tid('ws-status-received')).waitFor({ timeout: T })
      const got = await call('GET', `/api/purchase/orders/${orderId}`)
      assert.deepEqual(got.lines.map((l) => l.received_quantity), ['10.000', '6.000'])
      await settle(page)
      await shot(page, 'purchase-05-order-received-zh-tablet')
      ok(`the rest received (${second}): the order is 已到货, the payable equals the order's 1,469.00`)

      await page.locator(tid('menu-ws-purchase_receipt')).click()
      await page.locator(tid(`ws-row-${first}`)).waitFor({ timeout: T })
      await page.locator(tid(`ws-row-${second}`)).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'purchase-06-receipts-list-zh-tablet')
      ok('the receipts list shows both, with their order')
      assert.deepEqual(consoleErrors, [])
    } finally {
      await context.close()
    }
  },
}
