// The repair desk on screens (issue 16, Build §4): sz01.clerk lends a loaner against an order by
// scanning its IMEI and takes it back from the slip (workspace action, condition chosen); asks for
// a refund of the deposit; opens a distributor batch, scans two devices (a repeated IMEI refused
// at its field, in Chinese), closes the intake, and — the devices returned unrepaired through the
// batch API — the distributor signs for the batch. sz01.manager, in English on a desktop, finds the
// refund waiting in the workspace, approves it (paid out, money entries shown), and refuses another
// with a reason. Tablet zh-CN and desktop en; no console error.
import assert from 'node:assert/strict'
import { BASE_URL, T, TABLET, apiAs, demoImei, field, fontsReady, login, newContext, ok, setLanguage, shot, sign, tid, withLuhn } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

async function settle(page) {
  // The sync longpoll keeps the network busy: a short bounded wait only.
  await page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => {})
  await fontsReady(page)
}

async function chooseOption(page, testId, optionText) {
  await page.locator(`.q-field:has(${tid(testId)}), .q-field${tid(testId)}`).first().click()
  await page.locator('.q-menu .q-item').filter({ hasText: optionText }).first().click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

/** An input's field showing an error (the data-test sits on the field itself). */
const erred = (page, testId) => page.locator(`.q-field--error${tid(testId)}, .q-field--error:has(${tid(testId)})`).first()

async function findOrder(page, number) {
  await field(page, 'fd-order-input').fill(number)
  await page.locator(tid('fd-order-find')).click()
  await page.locator(tid('fd-order-number')).getByText(number).waitFor({ timeout: T })
}

/** A loaner unit in SZ01's loaner warehouse (a posted goods receipt of one serialized device). */
async function stockLoaner(manager) {
  const loanWh = (await manager('GET', '/api/warehouses?kind=loaner')).items[0]
  const device = (await manager('GET', '/api/items?kind=device&page_size=5')).items.find((i) => i.serialized)
  const supplier = (await manager('GET', '/api/parties?role=supplier&page_size=5')).items[0]
  assert.ok(loanWh && device && supplier, 'demo data: a loaner warehouse, a serialized device, a supplier')
  const imei = withLuhn('86' + String(Date.now()).slice(-12))
  const doc = await manager('POST', '/api/stock/goods-receipts', {
    kind: 'purchase', warehouse_id: loanWh.id, party_id: supplier.id,
    lines: [{ item_id: device.id, quantity: '1', unit_cost: '1800', serials: [imei] }],
  })
  await manager('POST', `/api/stock/goods-receipts/${doc.id}/post`)
  return imei
}

export const scenarios = {
  async frontdesk(browser) {
    const clerk = await apiAs('sz01.clerk')
    const manager = await apiAs('sz01.manager')
    const loanerImei = await stockLoaner(manager)
    const accounts = await clerk('GET', '/api/repair/counter-accounts')
    const { imei } = await demoImei()
    const intake = await clerk('POST', '/api/repair/orders', {
      customer_name: '陈先生', customer_phone: '13711112222', imei, fault_description: '屏幕闪烁', mode: 'A',
    })
    const order = intake.order
    await clerk('POST', `/api/repair/orders/${order.id}/deposits`, { amount: '300.00', account_id: accounts[0].id })

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    for (const key of ['frontdeskLend', 'frontdeskRefund', 'frontdeskBatches']) await page.locator(tid(`menu-${key}`)).waitFor({ timeout: T })
    assert.equal(await page.locator(tid('menu-frontdeskApprovals')).count(), 0, 'a clerk does not approve refunds')
    ok('the counter section offers lend, refund and batches to the clerk; no approvals')

    // -- loaner: lend by scanning, return from the slip ----------------------------------------------
    await page.locator(tid('menu-frontdeskLend')).click()
    await page.locator(tid('fd-lend-page')).waitFor({ timeout: T })
    await findOrder(page, order.number)
    await field(page, 'fd-lend-serial').fill('860000000000000')
    await field(page, 'fd-lend-deposit').fill('300')
    await page.locator(tid('fd-lend-submit')).click()
    await erred(page, 'fd-lend-serial').waitFor({ timeout: T })
    ok('a unit not in the loaner warehouse is refused at the IMEI field')
    await field(page, 'fd-lend-serial').fill(loanerImei)
    await field(page, 'fd-lend-note').fill('黑色，无划痕')
    await settle(page)
    await shot(page, 'frontdesk-01-lend-zh-tablet')
    await page.locator(tid('fd-lend-submit')).click()
    await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await page.locator('h1').getByText(/BJ-SZ01-/).waitFor({ timeout: T })
    assert.equal(await page.locator(tid('ws-value-order_number')).innerText(), order.number)
    assert.equal(await page.locator(tid('ws-value-serial')).innerText(), loanerImei)
    await page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`).first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'frontdesk-02-loaner-slip-zh-tablet')
    ok('lent: the slip (BJ-…) opens in the workspace with its order, unit and stock move')

    await page.locator(tid('ws-action-return')).click()
    await page.locator(tid('ws-action-dialog')).waitFor({ timeout: T })
    await chooseOption(page, 'ws-input-condition', '完好')
    await settle(page)
    await shot(page, 'frontdesk-03-loaner-return-dialog-zh-tablet')
    await page.locator(tid('ws-action-confirm')).click()
    await page.locator(tid('ws-action-dialog')).waitFor({ state: 'detached', timeout: T })
    await page.locator(tid('ws-value-return_condition')).getByText('完好').waitFor({ timeout: T })
    assert.equal(await page.locator(tid('ws-action-return')).count(), 0, 'returned once only')
    await page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`).nth(1).waitFor({ timeout: T })
    ok('returned in good condition: the unit moved back, no second return offered')

    // -- refund request ---------------------------------------------------------------------------
    await page.locator(tid('menu-frontdeskRefund')).click()
    await page.locator(tid('fd-refund-page')).waitFor({ timeout: T })
    await findOrder(page, order.number)
    await page.locator(tid('fd-refund-held')).getByText('300').waitFor({ timeout: T })
    await field(page, 'fd-refund-amount').fill('500')
    await field(page, 'fd-refund-reason').fill('客户取消维修')
    await page.locator(tid('fd-refund-submit')).click()
    await erred(page, 'fd-refund-amount').waitFor({ timeout: T })
    ok('more than the deposit held is refused at the amount')
    await field(page, 'fd-refund-amount').fill('200')
    await settle(page)
    await shot(page, 'frontdesk-04-refund-request-zh-tablet')
    await page.locator(tid('fd-refund-submit')).click()
    await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-value-approval')).getByText('待审批').waitFor({ timeout: T })
    assert.equal(await page.locator(tid('ws-action-approve')).count(), 0, 'the clerk cannot approve')
    ok('the refund slip waits for approval (待审批), nothing paid')
    // A second slip the manager will refuse.
    await clerk('POST', `/api/repair/orders/${order.id}/refunds`, { amount: '50.00', account_id: accounts[0].id, reason: '多收检测费' })

    // -- distributor batch: scan, close, signed pickup -------------------------------------------------
    await page.locator(tid('menu-frontdeskBatches')).click()
    await page.locator(tid('fd-batches-page')).waitFor({ timeout: T })
    await chooseOption(page, 'fd-batch-party', '南山手机连锁')
    await field(page, 'fd-batch-phone').fill('13922223333')
    await page.locator(tid('fd-batch-create')).click()
    await page.locator(tid('fd-batch-page')).waitFor({ timeout: T })
    const tac = imei.slice(0, 8)
    const devices = [withLuhn(tac + '910001'), withLuhn(tac + '910002')]
    await field(page, 'fd-batch-fault').fill('批量进水不开机')
    for (const d of devices) {
      await field(page, 'fd-batch-imei').fill(d)
      await page.locator(tid('fd-batch-add')).click()
      await page.locator(`${tid('fd-batch-lines')}`).getByText(d).waitFor({ timeout: T })
    }
    await field(page, 'fd-batch-imei').fill(devices[0])
    await page.locator(tid('fd-batch-add')).click()
    await erred(page, 'fd-batch-imei').waitFor({ timeout: T })
    assert.equal(await page.locator(`${tid('fd-batch-lines')} tbody tr`).count(), 2)
    ok('two devices scanned in; the same IMEI again is refused at the IMEI field, nothing added')
    await field(page, 'fd-batch-imei').fill('')
    await settle(page)
    await shot(page, 'frontdesk-05-batch-scanning-zh-tablet')
    await page.locator(tid('fd-batch-close')).click()
    await page.locator(tid('fd-batch-number')).getByText(/PL-SZ01-/).waitFor({ timeout: T })
    const batchId = new URL(page.url()).pathname.split('/').pop()
    // The devices go back unrepaired (the distributor declined), through the batch's own route.
    await clerk('POST', `/api/repair/batches/${batchId}/events`, { event: 'return_unrepaired', reason: '经销商不修' })
    await page.reload()
    await page.locator(tid('fd-batch-pickup')).waitFor({ timeout: T })
    await sign(page)
    await settle(page)
    await shot(page, 'frontdesk-06-batch-pickup-zh-tablet')
    await page.locator(tid('fd-batch-pickup-submit')).click()
    await page.locator(tid('fd-batch-status')).getByText('已取机').waitFor({ timeout: T })
    assert.match(await page.locator(tid('fd-batch-lines')).innerText(), /已完成[\s\S]*已完成/)
    ok('intake closed (PL-…), devices back unrepaired, the distributor signed: picked up, both completed')
    const popup = context.waitForEvent('page', { timeout: T })
    await page.locator(tid('fd-batch-print')).click()
    await (await popup).close()
    ok('the batch paper (批量受理单) opens as a PDF')
    assert.deepEqual(consoleErrors, [], `no console errors: ${consoleErrors.join('\n')}`)
    await context.close()

    // -- the approver, in English on a desktop ---------------------------------------------------------
    const m = await newContext(browser, DESKTOP)
    const managerErrors = watchConsole(m.page)
    await m.page.goto(BASE_URL + '/login')
    await login(m.page, 'sz01.manager')
    await m.page.locator(tid('home-page')).waitFor({ timeout: T })
    await setLanguage(m.page, 'en')
    await m.page.locator(tid('menu-frontdeskApprovals')).click()
    await m.page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    await m.page.locator(tid('ws-table')).getByText(order.number).first().waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-07-refunds-list-en-desktop')
    const waiting = await clerk('GET', `/api/repair/refunds?approval=pending&order_id=${order.id}`)
    const big = waiting.items.find((r) => r.amount === '200.00')
    const small = waiting.items.find((r) => r.amount === '50.00')
    await m.page.goto(`${BASE_URL}/workspace/repair_refund/${big.id}`)
    await m.page.locator(tid('ws-action-approve')).click()
    await m.page.locator('.q-dialog .q-card__actions .q-btn').last().click()
    await m.page.locator(tid('ws-status-posted')).getByText('Paid out').waitFor({ timeout: T })
    await m.page.locator(`${tid('ws-ledger-cash_entries')} tbody tr`).first().waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-08-refund-approved-en-desktop')
    ok('approved: numbered, paid out, the cash entry shown')
    await m.page.goto(`${BASE_URL}/workspace/repair_refund/${small.id}`)
    await m.page.locator(tid('ws-action-refuse')).click()
    await m.page.locator(tid('ws-action-dialog')).waitFor({ timeout: T })
    await field(m.page, 'ws-input-reason').fill('Check fee is not refundable')
    await m.page.locator(tid('ws-action-confirm')).click()
    await m.page.locator(tid('ws-value-approval')).getByText('Refused').waitFor({ timeout: T })
    assert.match(await m.page.locator(tid('ws-value-refusal_reason')).innerText(), /Check fee is not refundable/)
    await settle(m.page)
    await shot(m.page, 'frontdesk-09-refund-refused-en-desktop')
    ok('refused with its reason; nothing paid')
    await m.page.goto(`${BASE_URL}/workspace/repair_loaner`)
    await m.page.locator(tid('ws-table')).getByText(order.number).first().waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-10-loaners-list-en-desktop')
    await m.page.goto(`${BASE_URL}/frontdesk/batches/${batchId}`)
    await m.page.locator(tid('fd-batch-status')).getByText('Picked up').waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-11-batch-en-desktop')
    ok('the loaner list and the picked-up batch in English')
    assert.deepEqual(managerErrors, [], `no console errors: ${managerErrors.join('\n')}`)
    await m.context.close()
  },
}
