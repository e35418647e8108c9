// Retail at the counter (issue 18 §7). sz01.clerk on a zh-CN tablet sells OFFLINE: an accessory
// scanned by its code twice and a phone by its IMEI (its TAC names the model), paid split — part to
// the bank account, the rest in cash with change — 已保存在本机; online again the worker posts it
// (REST: LS-… with the split, the change, the phone with the customer and its warranty card from
// today) and the 80 mm receipt prints (a 200 PDF). The day is closed at /retail/cashup (counted cash
// 10 short: the difference posted). The next day (the tablet's clock a day on) the accessory comes
// back from /retail/sales (found by the receipt's QR code), offline too, refunded to the accounts paid in the order paid (REST). No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, settle, shot, T, TABLET, tid, withLuhn } from '../lib.mjs'
import { retailToken } from '../../src/print/token.js'

async function eventually(fn, what, ms = 60_000) {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn().catch(() => null)
    if (v) return v
    assert.ok(Date.now() < until, `in time: ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

async function online(page, context, on) {
  await context.setOffline(!on)
  await page.locator(`${tid('sync-indicator')}[data-state="${on ? 'online' : 'offline'}"]`).waitFor({ timeout: 60_000 })
}

async function choose(page, testId, text) {
  for (let attempt = 0; ; attempt++) {
    await page.locator(`.q-field:has(${tid(testId)}), ${tid(testId)}`).first().click()
    const option = page.locator('.q-menu .q-item').filter({ hasText: text }).first()
    try {
      await option.waitFor({ timeout: 2000 })
      await option.click()
      return
    } catch (e) {
      if (attempt >= 5) throw e
      await page.keyboard.press('Escape')
    }
  }
}

export const scenarios = {
  async retail(browser) {
    const manager = await apiAs('sz01.manager')
    const clerk = await apiAs('sz01.clerk')
    const good = (await manager('GET', '/api/warehouses?kind=good')).items.sort((a, b) => a.code.localeCompare(b.code))[0]
    const supplier = (await manager('GET', '/api/parties?role=supplier&page_size=5')).items[0]
    const accessory = (await manager('GET', '/api/items?kind=accessory&page_size=50')).items.find((i) => Number(i.retail_price) > 0 && !i.serialized)
    const device = (await manager('GET', '/api/items?kind=device&page_size=20')).items.find((i) => i.serialized && i.model_id && Number(i.retail_price) > 0)
    const tac = (await clerk('GET', `/api/tacs?model_id=${device.model_id}&page_size=1`)).items[0]
    const accounts = await clerk('GET', '/api/repair/counter-accounts')
    const cash = accounts.find((a) => a.kind === 'cash')
    const bank = accounts.find((a) => a.kind === 'bank')
    assert.ok(good && supplier && accessory && device && tac && cash && bank, 'demo data: stock, items, a TAC, a drawer and a bank account')
    const IMEI = withLuhn(`${tac.code}${String(Date.now()).slice(-6)}`)
    const receipt = await manager('POST', '/api/stock/goods-receipts', { kind: 'purchase', warehouse_id: good.id, party_id: supplier.id, lines: [
      { item_id: accessory.id, quantity: '5', unit_cost: '20' }, { item_id: device.id, quantity: '1', unit_cost: '3000', serials: [IMEI] }] })
    await manager('POST', `/api/stock/goods-receipts/${receipt.id}/post`)
    const total = 2 * Number(accessory.retail_price) + Number(device.retail_price)
    const toBank = Math.floor(total / 2)
    const inCash = Math.ceil(total - toBank) + 100

    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('menu-retailSale')).waitFor({ timeout: T })
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
    })
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await page.locator(tid('menu-retailSale')).click()
    await page.locator(tid('retail-sale-page')).waitFor({ timeout: T })
    // The tablet has the accounts, the counter's warehouse, the items and the TACs before going offline.
    await page.locator(`${tid('retail-sale-page')}:not([data-warehouses="0"]):not([data-items="0"]):not([data-tacs="0"])`).waitFor({ timeout: 60_000 })
    await page.locator(`.q-field:has(${tid('retail-pay-account-0')})`).filter({ hasText: cash.name }).waitFor({ timeout: T })
    await settle(page)
    await online(page, context, false)

    // ---- the sale, offline: scan, scan, pay -------------------------------------------------------
    const scan = async (text) => {
      await field(page, 'retail-scan').fill(text)
      await field(page, 'retail-scan').press('Enter')
    }
    await scan(accessory.code)
    await scan(accessory.code)
    await scan(IMEI)
    await page.locator(tid('retail-line-1')).waitFor({ timeout: T })
    assert.equal(await field(page, 'retail-qty-0').inputValue(), '2', 'the second scan adds to the line')
    await page.locator(tid('retail-total')).filter({ hasText: total.toFixed(2) }).waitFor({ timeout: T })
    await field(page, 'retail-pay-amount-0').fill(String(inCash))
    await page.locator(tid('retail-split')).click()
    await choose(page, 'retail-pay-account-1', bank.name)
    await field(page, 'retail-pay-amount-1').fill(String(toBank))
    const change = (inCash + toBank - total).toFixed(2)
    await page.locator(tid('retail-change')).filter({ hasText: change }).waitFor({ timeout: T })
    await field(page, 'retail-phone').fill('13900139000')
    await shot(page, 'retail-01-sale-offline-zh-tablet')
    await page.locator(tid('retail-save')).click()
    await page.locator(tid('retail-saved')).filter({ hasText: '已保存在本机' }).waitFor({ timeout: T })
    await shot(page, 'retail-02-saved-here-zh-tablet')
    ok(`sold offline: 2 × ${accessory.code} and a phone by IMEI, paid ${toBank} to the bank and ${inCash} in cash, change ${change} — 已保存在本机`)

    // ---- online: posted, printed ------------------------------------------------------------------
    await online(page, context, true)
    const sale = await eventually(async () => (await clerk('GET', `/api/retail/sales?q=${IMEI}`)).items[0], 'the sale posted')
    const detail = await clerk('GET', `/api/retail/sales/${sale.id}`)
    assert.match(detail.number, /^LS-SZ01-/)
    assert.equal(detail.total, total.toFixed(2))
    assert.equal(detail.change, change)
    assert.deepEqual(detail.payments.map((p) => [p.account_id, p.kept]), [[cash.id, (inCash - Number(change)).toFixed(2)], [bank.id, toBank.toFixed(2)]])
    assert.equal(detail.stock_state, 'posted')
    const card = await clerk('GET', `/api/lookup/warranty?imei=${IMEI}`)
    assert.ok(card.warranty_card_id, 'the phone has its warranty card')
    await page.locator(tid('retail-saved')).filter({ hasText: detail.number }).waitFor({ timeout: 60_000 })
    const answer = page.waitForResponse((r) => r.url().includes('/api/print/retail-receipt/'), { timeout: T })
    const popup = context.waitForEvent('page', { timeout: T }).catch(() => null)
    await page.locator(tid('retail-print')).click()
    const r = await answer
    assert.equal(r.status(), 200)
    assert.match(r.headers()['content-type'] || '', /pdf/)
    await (await popup)?.close()
    await shot(page, 'retail-03-posted-printed-zh-tablet')
    ok(`posted as ${detail.number} (REST: split kept per account, change from cash, the phone's card); the 80 mm receipt printed`)

    // ---- the cash-up of the day: the drawer 10 short --------------------------------------------------
    await page.locator(tid('menu-retailCashup')).click()
    await page.locator(tid('retail-cashup-page')).waitFor({ timeout: T })
    const preview = await clerk('GET', `/api/retail/cashup-preview?warehouse_id=${good.id}`)
    const expected = Object.fromEntries(preview.lines.map((x) => [x.account_id, x.expected]))
    await page.locator(tid(`retail-expected-${cash.code}`)).filter({ hasText: expected[cash.id] }).waitFor({ timeout: T })
    const rows = page.locator(`${tid('retail-cashup-lines')} tbody tr`)
    const n = await rows.count()
    for (let k = 0; k < n; k++) {
      const code = (await rows.nth(k).getAttribute('data-test')).replace('retail-cashup-', '')
      const account = accounts.find((a) => a.code === code)
      const want = Number(expected[account.id] || 0)
      await field(page, `retail-counted-${k}`).fill(String(account.id === cash.id ? want - 10 : want))
    }
    await shot(page, 'retail-04-cashup-zh-tablet')
    await page.locator(tid('retail-cashup-save')).click()
    const up = await eventually(async () => (await clerk('GET', `/api/retail/cashups?warehouse_id=${good.id}`)).items[0], 'the cash-up posted')
    assert.equal(up.difference, '-10.00')
    await page.locator(tid('retail-cashup-saved')).filter({ hasText: up.number }).waitFor({ timeout: 60_000 })
    await shot(page, 'retail-05-cashup-posted-zh-tablet')
    ok(`the day closed as ${up.number}: the drawer 10.00 short, posted`)
    await context.close()

    // ---- the next day: the accessory comes back (offline), refunded to the bank first -----------------
    const next = await newContext(browser, TABLET)
    await next.context.clock.setFixedTime(new Date(Date.now() + 24 * 3600 * 1000))
    const p2 = next.page
    await p2.goto(BASE_URL + '/login')
    await login(p2, 'sz01.clerk')
    await p2.locator(tid('menu-retailSales')).waitFor({ timeout: T })
    await p2.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }))
    })
    await p2.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await p2.locator(tid('menu-retailSales')).click()
    await p2.locator(tid(`retail-sale-${detail.number}`)).waitFor({ timeout: 60_000 })
    // The receipt's QR code scanned into the search finds the sale.
    await field(p2, 'retail-search').fill(retailToken(sale.id))
    await p2.waitForFunction(() => document.querySelectorAll('[data-test="retail-sales"] .q-item').length === 1, null, { timeout: T })
    await p2.locator(tid(`retail-sale-${detail.number}`)).waitFor({ timeout: T })
    await settle(p2)
    await online(p2, next.context, false)
    await p2.locator(tid(`retail-return-${detail.number}`)).click()
    await p2.locator(tid('retail-return-dialog')).waitFor({ timeout: T })
    await field(p2, 'retail-return-qty-0').fill('1')
    await field(p2, 'retail-return-reason').fill('颜色不喜欢')
    await p2.locator(tid('retail-refund')).filter({ hasText: Number(accessory.retail_price).toFixed(2) }).waitFor({ timeout: T })
    await shot(p2, 'retail-06-return-offline-zh-tablet')
    await p2.locator(tid('retail-return-save')).click()
    await p2.locator(tid('retail-return-dialog')).waitFor({ state: 'detached', timeout: T })
    await online(p2, next.context, true)
    const back = await eventually(async () => {
      const d = await clerk('GET', `/api/retail/sales/${sale.id}`)
      return d.returns.length ? d : null
    }, 'the return posted')
    assert.equal(back.lines[0].returned_quantity, '1.000')
    const ret = await clerk('GET', `/api/retail/returns/${back.returns[0].id}`)
    assert.match(ret.number, /^LT-SZ01-/)
    // Back to the accounts paid, in the order paid (the cash first here).
    assert.deepEqual(ret.refunds.map((x) => [x.account_id, x.amount]), [[detail.payments[0].account_id, Number(accessory.retail_price).toFixed(2)]])
    assert.ok(ret.doc_date > detail.doc_date, 'returned the next day')
    await settle(p2)
    await shot(p2, 'retail-07-returned-zh-tablet')
    ok(`returned the next day offline, posted as ${ret.number}: refunded to the accounts paid, in the order paid`)
    assert.deepEqual(page.errors.concat(p2.errors), [])
    await next.context.close()
  },
}
