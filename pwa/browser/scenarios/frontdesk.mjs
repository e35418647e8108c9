// The repair desk on screens, offline first (issue 16, Build §4): sz01.clerk on a zh-CN tablet opens
// a distributor batch, finds an order on the server, then loses the network: lends a loaner by
// scanning its IMEI and scans a device into the batch — both 已保存在本机 — and finds that an order
// not on the tablet needs the network. Back online, the worker posts both (checked through the REST
// API). A second device scanned, a repeated IMEI refused at its field, the intake closed (PL-…),
// the devices returned unrepaired through the API, the distributor signs for the batch (posted, all
// completed). The loaner comes back; a refund is asked (more than the deposit held refused at the
// field first) and posted as waiting for approval. sz01.manager, in English on a desktop, approves it
// and refuses another with a reason. The desk screens at phone size in English. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, demoImei, field, fontsReady, login, newContext, ok, PHONE, setLanguage, settle, shot, sign, T, TABLET, tid, withLuhn } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
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

/** Poll `fn` until it answers something truthy (the worker posts within seconds once online). */
async function eventually(fn, what, ms = 60_000) {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    assert.ok(Date.now() < until, `in time: ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
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
    const tac = imei.slice(0, 8)
    const devices = [withLuhn(tac + '910001'), withLuhn(tac + '910002')]

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    for (const key of ['frontdeskLend', 'frontdeskRefund', 'frontdeskBatches']) await page.locator(tid(`menu-${key}`)).waitFor({ timeout: T })
    assert.equal(await page.locator(tid('menu-frontdeskApprovals')).count(), 0, 'a clerk does not approve refunds')
    ok('the counter section offers lend, refund and batches to the clerk; no approvals')
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })

    // -- a batch opened (online), an order found on the server -----------------------------------------
    await page.locator(tid('menu-frontdeskBatches')).click()
    await page.locator(tid('fd-batches-page')).waitFor({ timeout: T })
    await chooseOption(page, 'fd-batch-party', '南山手机连锁')
    await field(page, 'fd-batch-phone').fill('13922223333')
    await settle(page)
    await shot(page, 'frontdesk-01-batches-zh-tablet')
    await page.locator(tid('fd-batch-create')).click()
    await page.locator(tid('fd-batch-page')).waitFor({ timeout: T })
    const batchUrl = page.url()
    const batchId = new URL(batchUrl).pathname.split('/').pop()
    await eventually(async () => (await clerk('GET', `/api/repair/batches?q=13922223333`)).items.some((b) => b.id === batchId), 'the batch posted')
    ok('a batch opened on the tablet: its id made here, posted by the worker')

    await page.locator(tid('menu-frontdeskLend')).click()
    await page.locator(tid('fd-lend-page')).waitFor({ timeout: T })
    await findOrder(page, order.number)

    // -- offline: lend, scan a device, an order not on the tablet -------------------------------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await field(page, 'fd-lend-serial').fill(loanerImei)
    await field(page, 'fd-lend-deposit').fill('300')
    await field(page, 'fd-lend-due').fill('2020-01-01')
    await page.locator(tid('fd-lend-submit')).click()
    await erred(page, 'fd-lend-due').waitFor({ timeout: T })
    ok('a due date in the past is refused on the tablet, before saving')
    await field(page, 'fd-lend-due').fill(new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10))
    await field(page, 'fd-lend-note').fill('黑色，无划痕')
    await page.locator(tid('fd-lend-submit')).click()
    const slip = page.locator(tid(`fd-loaner-${loanerImei}`))
    await slip.locator(tid('fd-sync-pending')).getByText('已保存在本机').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'frontdesk-02-lend-offline-zh-tablet')
    ok('lent offline: the slip says 已保存在本机')
    await field(page, 'fd-order-input').fill('WX-SZ09-0000-00000')
    await page.locator(tid('fd-order-find')).click()
    await page.getByText('联网后才能查找').waitFor({ timeout: T })
    await shot(page, 'frontdesk-03-not-on-tablet-zh-tablet')
    ok('an order the tablet does not hold: it says the network is needed')

    await page.goBack() // the batch's page, from the browser's history (offline)
    await page.locator(tid('fd-batch-page')).waitFor({ timeout: T })
    await field(page, 'fd-batch-fault').fill('批量进水不开机')
    await field(page, 'fd-batch-imei').fill(devices[0])
    await page.locator(tid('fd-batch-add')).click()
    const line0 = page.locator(tid(`fd-batch-line-${devices[0]}`))
    await line0.locator(tid('fd-sync-pending')).waitFor({ timeout: T })
    await field(page, 'fd-batch-imei').fill(devices[0])
    await page.locator(tid('fd-batch-add')).click()
    await erred(page, 'fd-batch-imei').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'frontdesk-04-batch-offline-zh-tablet')
    ok('a device scanned offline (已保存在本机); the same IMEI again refused at its field')

    // -- online again: both posted ----------------------------------------------------------------------
    await context.setOffline(false)
    await line0.locator(tid('fd-sync-pending')).waitFor({ state: 'detached', timeout: 60_000 })
    const lent = await eventually(async () => (await clerk('GET', `/api/repair/loaners?order_id=${order.id}`)).items[0], 'the loaner posted')
    assert.equal(lent.serial, loanerImei)
    assert.equal(lent.deposit, '300.00')
    assert.match(lent.number, /^BJ-SZ01-/)
    const posted = await eventually(async () => {
      const b = await clerk('GET', `/api/repair/batches/${batchId}`)
      return b.lines.length === 1 && b
    }, 'the batch device posted')
    assert.equal(posted.lines[0].imei, devices[0])
    assert.match(posted.lines[0].number, /^WX-SZ01-/)
    ok(`online: the loaner (${lent.number}) and the batch device (${posted.lines[0].number}) posted, once each`)

    await field(page, 'fd-batch-imei').fill(devices[1])
    await page.locator(tid('fd-batch-add')).click()
    await page.locator(tid(`fd-batch-line-${devices[1]}`)).waitFor({ timeout: T })
    await eventually(async () => (await clerk('GET', `/api/repair/batches/${batchId}`)).lines.length === 2, 'the second device posted')
    await page.locator(tid('fd-batch-close')).click()
    await page.locator(tid('fd-batch-number')).getByText(/PL-SZ01-/).waitFor({ timeout: 60_000 })
    // The devices go back unrepaired (the distributor declined), through the batch's own route.
    await clerk('POST', `/api/repair/batches/${batchId}/events`, { event: 'return_unrepaired', reason: '经销商不修' })
    await page.reload()
    await page.locator(tid('fd-batch-pickup')).waitFor({ timeout: T })
    await sign(page)
    await settle(page)
    await shot(page, 'frontdesk-05-batch-pickup-zh-tablet')
    await page.locator(tid('fd-batch-pickup-submit')).click()
    await page.locator(tid('fd-batch-status')).getByText('已取机').waitFor({ timeout: T })
    const picked = await eventually(async () => {
      const b = await clerk('GET', `/api/repair/batches/${batchId}`)
      return b.picked_up_at && b
    }, 'the pickup posted')
    assert.deepEqual(picked.lines.map((l) => l.state), ['completed', 'completed'])
    await page.locator(tid('fd-batch-picked-here')).waitFor({ state: 'detached', timeout: 60_000 })
    // The lines redraw from the server's answer once the pickup is known here: wait for it, not a snapshot.
    await page.locator(tid('fd-batch-lines')).filter({ hasText: /已完成[\s\S]*已完成/ }).waitFor({ timeout: 60_000 })
    ok('intake closed (PL-…), devices back unrepaired, the distributor signed: picked up, both completed')
    const popup = context.waitForEvent('page', { timeout: T })
    await page.locator(tid('fd-batch-print')).click()
    await (await popup).close()
    ok('the batch paper (批量受理单) opens as a PDF')

    // -- the loaner comes back; a refund is asked ----------------------------------------------------
    await page.locator(tid('menu-frontdeskLend')).click()
    await findOrder(page, order.number)
    await slip.locator(tid(`fd-sync-posted`)).getByText(/BJ-SZ01-/).waitFor({ timeout: T })
    await slip.locator(tid('fd-return-open')).click()
    await slip.locator(tid('fd-return-submit')).click()
    await eventually(async () => (await clerk('GET', `/api/repair/loaners/${lent.id}`)).returned_at, 'the return posted')
    await slip.locator(tid('fd-loaner-returned')).waitFor({ timeout: T })
    ok('the loaner taken back in good condition: posted')

    await page.locator(tid('menu-frontdeskRefund')).click()
    await page.locator(tid('fd-refund-page')).waitFor({ timeout: T })
    await findOrder(page, order.number)
    await page.locator(tid('fd-refund-held')).getByText('300').waitFor({ timeout: T })
    await field(page, 'fd-refund-amount').fill('500')
    await field(page, 'fd-refund-reason').fill('客户取消维修')
    await page.locator(tid('fd-refund-submit')).click()
    await erred(page, 'fd-refund-amount').waitFor({ timeout: T })
    ok('more than the deposit held is refused at the amount, on the tablet')
    await field(page, 'fd-refund-amount').fill('200')
    await page.locator(tid('fd-refund-submit')).click()
    await eventually(async () => (await clerk('GET', `/api/repair/refunds?approval=pending&order_id=${order.id}`)).total === 1, 'the refund posted')
    await page.locator(`${tid('fd-refunds')} ${tid('fd-sync-posted')}`).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'frontdesk-06-refund-zh-tablet')
    ok('the refund slip posted, waiting for approval, nothing paid')
    // A second slip the manager will refuse.
    await clerk('POST', `/api/repair/orders/${order.id}/refunds`, { amount: '50.00', account_id: accounts[0].id, reason: '多收检测费' })
    assert.deepEqual(consoleErrors, [], `no console errors: ${consoleErrors.join('\n')}`)
    await context.close()

    // -- the desk at phone size, in English --------------------------------------------------------------
    const p = await newContext(browser, PHONE)
    const phoneErrors = watchConsole(p.page)
    await p.page.goto(BASE_URL + '/login')
    await login(p.page, 'sz01.clerk')
    await p.page.locator(tid('home-page')).waitFor({ timeout: T })
    await setLanguage(p.page, 'en')
    await p.page.goto(`${BASE_URL}/frontdesk/lend`)
    await findOrder(p.page, order.number)
    await p.page.locator(tid(`fd-loaner-${loanerImei}`)).waitFor({ timeout: T })
    await settle(p.page)
    await shot(p.page, 'frontdesk-07-lend-en-phone')
    await p.page.goto(`${BASE_URL}/frontdesk/refund`)
    await findOrder(p.page, order.number)
    await p.page.locator(tid('fd-refunds')).getByText('Waiting for approval').first().waitFor({ timeout: T })
    await settle(p.page)
    await shot(p.page, 'frontdesk-08-refund-en-phone')
    await p.page.goto(`${BASE_URL}/frontdesk/batches`)
    await p.page.locator(tid('fd-batches-page')).waitFor({ timeout: T })
    await settle(p.page)
    await shot(p.page, 'frontdesk-09-batches-en-phone')
    await p.page.goto(batchUrl)
    await p.page.locator(tid('fd-batch-status')).getByText('Picked up').waitFor({ timeout: T })
    await settle(p.page)
    await shot(p.page, 'frontdesk-10-batch-en-phone')
    ok('the desk screens at phone size in English')
    assert.deepEqual(phoneErrors, [], `no console errors: ${phoneErrors.join('\n')}`)
    await p.context.close()

    // -- the approver, in English on a desktop ---------------------------------------------------------
    const m = await newContext(browser, DESKTOP)
    const managerErrors = watchConsole(m.page)
    await m.page.goto(BASE_URL + '/login')
    await login(m.page, 'sz01.manager')
    await m.page.locator(tid('home-page')).waitFor({ timeout: T })
    await setLanguage(m.page, 'en')
    await m.page.locator(tid('menu-frontdeskApprovals')).click()
    await m.page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    assert.match(m.page.url(), /approval=pending/, "the approver's entry opens the waiting refunds")
    await m.page.locator(tid('ws-table')).getByText(order.number).first().waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-11-refunds-list-en-desktop')
    const waiting = await clerk('GET', `/api/repair/refunds?approval=pending&order_id=${order.id}`)
    const big = waiting.items.find((r) => r.amount === '200.00')
    const small = waiting.items.find((r) => r.amount === '50.00')
    await m.page.goto(`${BASE_URL}/workspace/repair_refund/${big.id}`)
    await m.page.locator(tid('ws-action-approve')).click()
    await m.page.locator('.q-dialog .q-card__actions .q-btn').last().click()
    await m.page.locator(tid('ws-status-posted')).getByText('Paid out').waitFor({ timeout: T })
    await m.page.locator(`${tid('ws-ledger-cash_entries')} tbody tr`).first().waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-12-refund-approved-en-desktop')
    ok('approved: numbered, paid out, the cash entry shown')
    await m.page.goto(`${BASE_URL}/workspace/repair_refund/${small.id}`)
    await m.page.locator(tid('ws-action-refuse')).click()
    await m.page.locator(tid('ws-action-dialog')).waitFor({ timeout: T })
    await field(m.page, 'ws-input-reason').fill('Check fee is not refundable')
    await m.page.locator(tid('ws-action-confirm')).click()
    await m.page.locator(tid('ws-value-approval')).getByText('Refused').waitFor({ timeout: T })
    assert.match(await m.page.locator(tid('ws-value-refusal_reason')).innerText(), /Check fee is not refundable/)
    await settle(m.page)
    await shot(m.page, 'frontdesk-13-refund-refused-en-desktop')
    ok('refused with its reason; nothing paid')
    await m.page.goto(`${BASE_URL}/workspace/repair_loaner`)
    await m.page.locator(tid('ws-table')).getByText(order.number).first().waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-14-loaners-list-en-desktop')
    await m.page.goto(`${BASE_URL}/frontdesk/batches/${batchId}`)
    await m.page.locator(tid('fd-batch-status')).getByText('Picked up').waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-15-batch-en-desktop')
    await m.page.goto(`${BASE_URL}/frontdesk/lend`)
    await findOrder(m.page, order.number)
    await m.page.locator(tid('fd-loaner-returned')).waitFor({ timeout: T })
    await settle(m.page)
    await shot(m.page, 'frontdesk-16-lend-en-desktop')
    ok('the loaner list and the picked-up batch in English')
    assert.deepEqual(managerErrors, [], `no console errors: ${managerErrors.join('\n')}`)
    await m.context.close()
  },
}
