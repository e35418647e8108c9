// The deposit of a repair order converted to an exchange (issue 16 §9): a device taken in at the
// counter with a deposit, converted to an exchange by the manager (REST, as another device would),
// then the order page offers to carry the deposit over to the exchange order (online); once
// carried, the exchange holds it and the offer is gone. Screenshots zh-CN and en at tablet size.
import assert from 'node:assert/strict'
import { BASE_URL, T, TABLET, apiAs, field, fontsReady, login, newContext, ok, setLanguage, shot, sign, tid, withLuhn } from '../lib.mjs'

async function settle(page) {
  await page.mouse.move(2, 2)
  await fontsReady(page)
}

export const scenarios = {
  async deposit_carry_over(browser) {
    const manager = await apiAs('sz01.manager')
    const tac = (await manager('GET', '/api/tacs?page_size=5')).items[0]
    const imei = withLuhn(tac.code + String(Date.now()).slice(-6))
    const { page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.manager')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })

    // -- intake at the counter with a deposit of ¥200 ---------------------------------------------
    await page.goto(BASE_URL + '/repair/intake')
    await page.locator(tid('intake-page')).waitFor({ timeout: T })
    await page.locator(tid('customer-kind')).getByText('散客').click()
    await field(page, 'customer-name').fill('钱押金')
    await field(page, 'customer-phone').fill('13700002222')
    await page.locator(tid('intake-next')).click()
    await field(page, 'imei').fill(imei)
    await page.locator(tid('imei-ok')).waitFor({ timeout: T })
    await page.locator(`${tid('model')}[data-source="tac"]`).waitFor({ timeout: T }) // the model from the TAC
    await page.locator(tid('intake-next')).click()
    await field(page, 'fault-description').fill('主板故障，无法开机')
    await page.locator(tid('intake-next')).click()
    await field(page, 'deposit-amount').fill('200')
    await sign(page)
    await page.locator(tid('intake-save')).click()
    await page.locator(tid('ticket-page')).waitFor({ timeout: T })
    const orderId = page.url().split('/repair/orders/')[1].split('/')[0]
    await page.goto(BASE_URL + `/repair/orders/${orderId}`)
    await page.locator(`${tid('order-number')}:text-matches("^WX-SZ01-")`).waitFor({ timeout: 90_000 })
    assert.equal(await page.locator(tid('order-carry-over')).count(), 0, 'no offer before the conversion')
    ok('taken in with a deposit of ¥200; nothing to carry over yet')

    // -- converted to an exchange elsewhere; the page offers the carry-over ----------------------
    const converted = await manager('POST', `/api/repair/orders/${orderId}/convert-to-exchange`, { reason: '主板无法维修' })
    const hj = converted.order.exchange_ref
    assert.match(hj, /^HJ-SZ01-/)
    await page.reload()
    const card = page.locator(tid('order-carry-over'))
    await card.waitFor({ timeout: 30_000 })
    await card.getByText(hj).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'deposit-01-carry-over-zh-tablet')
    await setLanguage(page, 'en')
    await card.getByText('Carry ¥200.00 over to the exchange').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'deposit-02-carry-over-en-tablet')
    ok(`converted to ${hj}: the order page offers to carry ¥200.00 over (zh-CN and en)`)

    await page.locator(tid('carry-over-deposit')).click()
    await page.locator('.q-dialog').getByRole('button', { name: 'OK' }).click()
    await card.waitFor({ state: 'detached', timeout: 30_000 })
    const [ex] = (await manager('GET', `/api/exchange/orders?q=${hj}`)).items
    const detail = await manager('GET', `/api/exchange/orders/${ex.id}`)
    assert.equal(detail.deposit_held, '200.00', 'the exchange order holds the deposit')
    const repair = await manager('GET', `/api/repair/orders/${orderId}`)
    assert.equal(repair.deposit_held, '0.00', 'nothing is left on the repair order')
    await settle(page)
    await shot(page, 'deposit-03-carried-en-tablet')
    ok(`carried over: ${hj} holds ¥200.00, the repair order none; the offer is gone`)
    assert.deepEqual(page.errors, [])
  },
}
