// An out-of-warranty repair from intake to pickup (issue 16, acceptance): the quotation and the
// customer's signed decision are made in the UI, and the counter steps (intake, accept, quotation,
// decision, pickup) are done offline; back online, the server's answer shows each one posted.
// The workshop's own steps (start, finish, QC) go through the REST API as another device would.
// Screenshots of the new screens at TABLET and DESKTOP size, zh-CN and en, and at phone size.
import assert from 'node:assert/strict'
import { BASE_URL, PHONE, T, TABLET, apiAs, field, fontsReady, login, newContext, ok, setLanguage, shot, sign, tid, withLuhn } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }
const POSTED = 90_000

async function settle(page) {
  await page.mouse.move(2, 2)
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: 3_000 }).catch(() => {})
  await fontsReady(page)
}

async function pick(page, selectTest, index = 0) {
  await page.locator(tid(selectTest)).click()
  await page.locator('.q-menu .q-item').nth(index).click()
}

export const scenarios = {
  async oow_repair(browser) {
    const manager = await apiAs('sz01.manager')
    const tac = (await manager('GET', '/api/tacs?page_size=5')).items[0]
    const imei = withLuhn(tac.code + String(Date.now()).slice(-6))
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.manager')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
    })
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })

    // -- intake, offline: the warranty verdict from the stated purchase date --------------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await page.goto(BASE_URL + '/repair/intake')
    await page.locator(tid('intake-page')).waitFor({ timeout: T })
    await page.locator(tid('customer-kind')).getByText('散客').click()
    await field(page, 'customer-name').fill('周过保')
    await field(page, 'customer-phone').fill('13700001111')
    await page.locator(tid('intake-next')).click()
    await field(page, 'imei').fill(imei)
    await page.locator(tid('imei-ok')).waitFor({ timeout: T })
    await page.locator(`${tid('model')}[data-source="tac"]`).waitFor({ timeout: T }) // the model from the TAC
    await field(page, 'purchase-date').fill('2023-03-15')
    await page.locator(`${tid('warranty-verdict')}[data-rule="out_of_warranty"]`).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'oow-01-intake-warranty-zh-tablet')
    ok('offline intake: the stated purchase date gives "out of warranty" from the model’s period')
    await page.locator(tid('intake-next')).click()
    await field(page, 'fault-description').fill('屏幕碎裂，需更换')
    await page.locator(tid('intake-next')).click()
    await sign(page)
    await page.locator(tid('intake-save')).click()
    await page.locator(tid('ticket-page')).waitFor({ timeout: T })
    await page.getByText('已保存在本机').first().waitFor({ timeout: T })
    const orderId = page.url().split('/repair/orders/')[1].split('/')[0]

    // -- online: posted with its number; the order is chargeable ------------------------------
    await context.setOffline(false)
    await page.goto(BASE_URL + `/repair/orders/${orderId}`)
    await page.locator(tid('order-page')).waitFor({ timeout: T })
    await page.locator(`${tid('order-number')}:text-matches("^WX-SZ01-")`).waitFor({ timeout: POSTED })
    const number = (await page.locator(tid('order-number')).innerText()).trim()
    let server = await manager('GET', `/api/repair/orders/${orderId}`)
    assert.equal(server.order.chargeable, true, 'out of warranty: the customer pays')
    await page.locator(tid('quote-needed')).waitFor({ timeout: T })
    ok(`posted as ${number}: out of warranty, chargeable; the order asks for a quotation`)

    // -- offline: accept, quotation, the customer's signed acceptance --------------------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await page.locator(tid('action-accept')).click()
    await page.locator(tid('event-confirm')).click()
    await page.locator(`${tid('order-page')} ${tid('state-pending_repair')}`).waitFor({ timeout: T })
    // Start repair is refused by the server until the quotation is accepted: not offered, reason shown.
    assert.equal(await page.locator(tid('action-start_repair')).count(), 0)
    await page.locator(tid('blocked-start_repair')).getByText('保外维修需客户先接受报价').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'oow-02-order-blocked-zh-tablet')
    ok('start repair is not offered; its reason (the guard’s label) is shown')
    await page.locator(tid('quote-make')).click()
    await page.locator(tid('quote-dialog')).waitFor({ timeout: T })
    await page.locator(tid('quote-save')).click()
    await page.locator(tid('quote-dialog')).getByText('请选择', { exact: true }).waitFor({ timeout: T })
    await pick(page, 'quote-item-0')
    await pick(page, 'quote-level')
    const total = (await page.locator(tid('quote-dialog-total')).innerText()).trim()
    assert.match(total, /¥\d+\.\d\d$/)
    await settle(page)
    await shot(page, 'oow-03-quote-dialog-zh-tablet')
    await page.locator(tid('quote-save')).click()
    await page.locator(tid('quote-accept')).waitFor({ timeout: T })
    await page.locator(tid('quote-accept')).click()
    await page.locator(tid('decide-dialog')).waitFor({ timeout: T })
    await page.locator(tid('decide-confirm')).click()
    await page.locator(tid('decide-missing')).waitFor({ timeout: T })
    await sign(page)
    await settle(page)
    await shot(page, 'oow-04-decision-signed-zh-tablet')
    await page.locator(tid('decide-confirm')).click()
    await page.locator(tid('quote-accepted')).waitFor({ timeout: T })
    await page.locator(tid('action-start_repair')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'oow-05-quote-accepted-offline-zh-tablet')
    ok(`offline: accepted, quoted ${total}, the customer signed the acceptance; start repair is now offered`)

    // -- online: the worker posts them --------------------------------------------------------
    await context.setOffline(false)
    const deadline = Date.now() + POSTED
    for (;;) {
      server = await manager('GET', `/api/repair/orders/${orderId}`)
      if (server.facts.quotation === 'accepted' && server.order.state === 'pending_repair') break
      assert.ok(Date.now() < deadline, `posted in time: ${JSON.stringify(server.facts)}`)
      await new Promise((r) => setTimeout(r, 1000))
    }
    assert.equal(server.quotations.length, 1)
    assert.equal(server.quotations[0].status, 'accepted')
    assert.equal(server.quotations[0].signed, true)
    assert.equal(`¥${server.quotations[0].total}`, total.replace(/^.*(¥)/, '¥'))
    ok(`online: the server posted the accept, the quotation (${server.quotations[0].total}) and the signed decision`)

    // -- the workshop (another device, through the API): start, finish, QC --------------------
    const levelId = server.quotations[0].lines.find((l) => l.kind === 'labour')?.repair_level_id
    const engineer = await apiAs('sz01.engineer')
    await engineer('POST', `/api/repair/orders/${orderId}/start-repair`, {})
    await engineer('POST', `/api/repair/orders/${orderId}/finish-repair`, levelId ? { repair_level_id: levelId } : {})
    await (await apiAs('sz01.qc'))('POST', `/api/repair/orders/${orderId}/qc-pass`, {})

    // -- the history names who did each step; papers; the detail in both languages, two sizes ----
    await page.reload()
    await page.locator(tid('order-page')).waitFor({ timeout: T })
    await page.locator(`${tid('order-page')} ${tid('state-pending_pickup')}`).waitFor({ timeout: 30_000 })
    await page.locator(tid('history-qc_pass')).getByText('刘洋').waitFor({ timeout: T })
    await page.locator(tid('print-menu')).first().click()
    await page.locator(tid('print-intake-ticket-80mm')).waitFor({ timeout: T })
    await page.locator(tid('print-device-label-label')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'oow-06-print-menu-zh-tablet')
    await page.keyboard.press('Escape')
    await settle(page)
    await shot(page, 'oow-07-order-ready-zh-tablet')
    await setLanguage(page, 'en')
    await page.getByText('Quotation', { exact: true }).first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'oow-08-order-ready-en-tablet')
    await page.setViewportSize(DESKTOP)
    await settle(page)
    await shot(page, 'oow-09-order-ready-en-desktop')
    await setLanguage(page, 'zh-CN')
    await settle(page)
    await shot(page, 'oow-10-order-ready-zh-desktop')
    await page.setViewportSize(TABLET)
    ok('history names who did each step; the print menu offers the order’s papers; zh/en at tablet and desktop')

    // -- pickup, offline ----------------------------------------------------------------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await page.locator(tid('action-pickup')).click()
    await page.locator(tid('pickup-page')).waitFor({ timeout: T })
    await page.locator(tid('pickup-number')).getByText(number).waitFor({ timeout: T })
    await sign(page)
    await page.locator(tid('pickup-confirm')).click()
    await page.locator(tid('pickup-done')).waitFor({ timeout: T })
    await page.locator(tid('pickup-done')).getByText('已保存在本机').first().waitFor({ timeout: T })
    ok('offline pickup: saved on this tablet, not shown as done by the server')
    await context.setOffline(false)
    const until = Date.now() + POSTED
    for (;;) {
      server = await manager('GET', `/api/repair/orders/${orderId}`)
      if (server.order.state === 'completed') break
      assert.ok(Date.now() < until, `pickup posted in time: ${server.order.state}`)
      await new Promise((r) => setTimeout(r, 1000))
    }
    const settlement = server.payments.find((p) => p.kind === 'settlement')
    assert.ok(settlement && settlement.status === 'posted', 'the pickup settled the bill')
    ok(`online: completed, settled ${settlement.number} (¥${settlement.amount})`)
    assert.deepEqual(page.errors, [])
    await context.close()

    // -- phone: the order number on one line, the ticket's QR text inside its card --------------
    const phone = await newContext(browser, PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    await phone.page.goto(BASE_URL + '/login')
    await login(phone.page, 'sz01.manager')
    await phone.page.locator(tid('home-page')).waitFor({ timeout: T })
    await phone.page.goto(BASE_URL + `/repair/orders/${orderId}`)
    await phone.page.locator(tid('order-number')).getByText(number).waitFor({ timeout: 60_000 })
    const box = await phone.page.locator(tid('order-number')).boundingBox()
    const lineHeight = await phone.page.locator(tid('order-number')).evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 32)
    assert.ok(box.height <= lineHeight * 1.5, `the order number is one line (${box.height}px, line ${lineHeight}px)`)
    await settle(phone.page)
    await shot(phone.page, 'oow-11-order-zh-phone')
    await phone.page.goto(BASE_URL + `/repair/orders/${orderId}/ticket`)
    await phone.page.locator(tid('ticket-token')).waitFor({ timeout: T })
    const inside = await phone.page.evaluate(() => {
      const text = document.querySelector('[data-test="ticket-token"]').getBoundingClientRect()
      const card = document.querySelector('.ticket-card').getBoundingClientRect()
      return text.right <= card.right + 0.5 && text.left >= card.left - 0.5
    })
    assert.ok(inside, 'the QR text stays inside its card')
    await settle(phone.page)
    await shot(phone.page, 'oow-12-ticket-zh-phone')
    ok('phone: the order number on one line, the QR text inside its card')
    assert.deepEqual(phone.page.errors, [])
    await phone.context.close()
  },
}
