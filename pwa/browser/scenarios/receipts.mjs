// Receipts (issue 19 §1, §2): headquarters' finance receives a dealer's payment against three
// invoices, prints the statement of account and reverses the receipt. The three invoices are real
// wholesale deliveries to the dealer (made first through the sales REST, as headquarters' manager).
// In the browser (hq.finance, desktop, zh-CN): the receipt made in the workspace's form without
// automatic allocation and posted; its amount opens the allocation screen: on the allocation screen two invoices chosen by hand, the third
// oldest first — nothing left on account; the dealer's open items and aging; the 对账单 printed
// (a PDF from the server) with opening + documents = closing; the aging page; 红冲 — every invoice
// open again, the cash back out. Checked against REST at each step. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, settle, shot, T, tid, businessDay, requestsIdle } from '../lib.mjs'

const DESKTOP = { width: 1600, height: 1000 }

const cents = (v) => Math.round(Number(v) * 100)
const money = (c) => `${c < 0 ? '-' : ''}${Math.trunc(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`
const shown = (c) => (c / 100).toLocaleString('en', { minimumFractionDigits: 2 })

/** Three deliveries of one order to the dealer: three receivables in headquarters' books. */
async function threeInvoices(manager, hq, dealer) {
  const item = (await manager('GET', '/api/items?q=HUAWEI-CABLE&page_size=5')).items.find((i) => i.code === 'HUAWEI-CABLE')
  const warehouse = (await manager('GET', '/api/warehouses?page_size=200')).items.find((w) => w.org_id === hq.id && w.kind === 'good')
  const order = await manager('POST', '/api/sales/orders', { org_id: hq.id, party_id: dealer.id, warehouse_id: warehouse.id,
    lines: [{ item_id: item.id, quantity: '30' }] })
  assert.ok(order.id, `sales order: ${JSON.stringify(order)}`)
  let state = await manager('POST', `/api/sales/orders/${order.id}/submit`, {})
  if (state.status && state.status.startsWith('awaiting')) state = await manager('POST', `/api/sales/orders/${order.id}/approve`, {})
  for (const quantity of ['5', '10', '15']) {
    const d = await manager('POST', '/api/sales/deliveries', { order_id: order.id, lines: [{ item_id: item.id, quantity }] })
    assert.ok(d.id, `delivery: ${JSON.stringify(d)}`)
    const posted = await manager('POST', `/api/sales/deliveries/${d.id}/post`, {})
    assert.equal(posted.status, 'posted', JSON.stringify(posted))
  }
}

/** Pick an option of a workspace lookup, typing `search` first when given. */
async function choose(page, testId, text, search = '') {
  for (let attempt = 0; ; attempt++) {
    await page.locator(tid(testId)).first().click()
    if (search) await page.keyboard.type(search)
    const option = page.locator('.q-menu .q-item:not(.disabled)').filter({ hasText: text }).first()
    try {
      await option.waitFor({ timeout: 3000 })
      await option.click()
      await page.keyboard.press('Escape')
      await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
      // A field an earlier choice depends on (the organisation) may still be reloading and clear
      // this one: the choice counts once the field shows it after the page's requests are done.
      await requestsIdle(page)
      const shown = await page.locator(`.q-field:has(${tid(testId)}), .q-field${tid(testId)}`).first().innerText()
      if (shown.includes(text)) return
      throw new Error(`${testId}: ${text} not kept (shows ${shown.replace(/\s+/g, ' ')})`)
    } catch (e) {
      if (attempt >= 4) throw e
      await page.keyboard.press('Escape')
    }
  }
}

export const scenarios = {
  async receipts(browser) {
    const manager = await apiAs('hq.manager')
    const finance = await apiAs('hq.finance')
    const hq = (await finance('GET', '/api/organisations?page_size=200')).items.find((o) => o.kind === 'hq')
    const dealer = (await finance('GET', '/api/parties?q=D-XUNJIE&page_size=5')).items.find((p) => p.code === 'D-XUNJIE')
    const account = (await finance('GET', `/api/money-accounts?org_id=${hq.id}&page_size=50`)).items.find((a) => a.active)
    const openQuery = `/api/finance/open-items?org_id=${hq.id}&counterparty_id=${dealer.id}&direction=receivable`
    const before = (await finance('GET', openQuery)).items
    await threeInvoices(manager, hq, dealer)
    const invoices = (await finance('GET', openQuery)).items.filter((i) => !before.some((b) => b.document_id === i.document_id))
    assert.equal(invoices.length, 3, 'three new invoices open')
    const total = invoices.reduce((s, i) => s + cents(i.open), 0)
    const bankBefore = (await finance('GET', `/api/finance/cash-entries?account_id=${account.id}&page_size=1`)).closing_balance

    const { context, page } = await newContext(browser, DESKTOP)
    try {
      await page.goto(`${BASE_URL}/login`)
      await login(page, 'hq.finance')
      await page.locator(tid('menu-financeCounterparties')).waitFor({ timeout: T })

      // The receipt in the workspace's form: the dealer, the account, the three invoices' total; no
      // automatic allocation (done on the allocation screen below).
      await page.goto(`${BASE_URL}/workspace/finance_receipt/new`)
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await choose(page, 'ws-field-org_id', hq.name)
      await choose(page, 'ws-field-party_id', dealer.name, 'D-XUNJIE')
      await choose(page, 'ws-field-account_id', account.name)
      await field(page, 'ws-field-amount').fill(money(total))
      await field(page, 'ws-field-reference').fill('BK-20261207')
      await page.locator(tid('ws-field-auto_allocate')).click()
      await settle(page)
      await shot(page, 'receipts-form')
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/finance/receipts', { timeout: T })
      await page.locator(tid('ws-save')).click()
      const receipt = await (await created).json()
      assert.equal(receipt.auto_allocate, false, JSON.stringify(receipt))
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      const postAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/finance/receipts/${receipt.id}/post`, { timeout: T })
      await page.locator(tid('ws-action-post')).click()
      await page.locator('.q-dialog .q-btn').filter({ hasText: '过账' }).last().click()
      assert.equal((await postAnswer).status(), 200)
      await page.locator(tid('ws-field-link-amount')).waitFor({ timeout: T })
      const posted = await finance('GET', `/api/finance/receipts/${receipt.id}`)
      assert.equal(cents(posted.on_account), total, 'all of it on account until allocated')
      assert.match(posted.number, /^SK-HQ-/)
      await settle(page)
      await shot(page, 'receipts-posted')

      // 核销: the first two invoices by hand, the third oldest first; nothing left on account.
      await page.locator(tid('ws-field-link-amount')).click()
      await page.locator(tid('fin-allocate-page')).waitFor({ timeout: T })
      for (const inv of invoices) await page.locator(tid(`fin-allocate-pick-${inv.document_number}`)).waitFor({ timeout: T })
      for (const inv of invoices.slice(0, 2)) await page.locator(tid(`fin-allocate-pick-${inv.document_number}`)).click()
      await settle(page)
      await shot(page, 'receipts-allocate-choose')
      await page.locator(tid('fin-allocate-selected')).click()
      const third = cents(invoices[2].open)
      await page.locator(tid('fin-allocate-on_account')).filter({ hasText: shown(third) }).waitFor({ timeout: T })
      if (before.some((i) => cents(i.open) > 0)) {
        // Older open charges of the dealer (a run before on this server) would come first: by hand.
        await page.locator(tid(`fin-allocate-pick-${invoices[2].document_number}`)).click()
        await page.locator(tid('fin-allocate-selected')).click()
      } else {
        await page.locator(tid('fin-allocate-auto')).click()
      }
      await page.locator(tid('fin-allocate-on_account')).filter({ hasText: shown(0) }).waitFor({ timeout: T })
      const allocated = await finance('GET', `/api/finance/receipts/${receipt.id}`)
      assert.deepEqual(allocated.allocations.map((a) => a.charge_number).sort(), invoices.map((i) => i.document_number).sort())
      assert.equal(cents(allocated.on_account), 0)
      assert.deepEqual((await finance('GET', openQuery)).items.filter((i) => invoices.some((v) => v.document_id === i.document_id)), [])
      await settle(page)
      await shot(page, 'receipts-allocated')

      // The dealer's page: open items and aging, then the statement printed (the server's PDF).
      await page.goto(`${BASE_URL}/finance/counterparties/${hq.id}/party/${dealer.id}?tab=open`)
      await page.locator(tid('fin-open-aging')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'receipts-open-items')
      await page.locator(tid('fin-statement-open')).click()
      await page.locator(tid('fin-statement-dialog')).waitFor({ timeout: T })
      const today = businessDay()
      const monthStart = `${today.slice(0, 8)}01`
      await field(page, 'fin-statement-from').fill(monthStart)
      await field(page, 'fin-statement-to').fill(today)
      const printed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/finance/statement/print', { timeout: 30_000 })
      const popup = page.waitForEvent('popup', { timeout: 30_000 }).catch(() => null)
      await page.locator(tid('fin-statement-print')).click()
      const pdf = await printed
      assert.equal(pdf.status(), 200)
      assert.match(pdf.headers()['content-type'] || '', /application\/pdf/)
      const opened = await popup
      if (opened) await opened.close()
      await page.locator(tid('fin-statement-summary')).waitFor({ timeout: T })
      const statement = await finance('GET', `/api/finance/statement?org_id=${hq.id}&counterparty_id=${dealer.id}&direction=receivable`
        + `&date_from=${monthStart}&date_to=${today}`)
      const moved = statement.lines.reduce((s, l) => s + cents(l.increase) - cents(l.decrease), 0)
      assert.equal(cents(statement.opening_balance) + moved, cents(statement.closing_balance), 'opening + documents = closing')
      assert.ok(statement.lines.some((l) => l.document_number === posted.number), 'the receipt is on the statement')
      await page.locator(tid('fin-statement-closing')).filter({ hasText: shown(cents(statement.closing_balance)) }).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'receipts-statement')
      await page.keyboard.press('Escape')

      // Aging over every party.
      await page.goto(`${BASE_URL}/finance/aging`)
      await page.locator(`${tid('fin-aging-table')} tbody tr`).first().waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'receipts-aging')

      // 红冲: the receipt and its allocations undone; the invoices open again, the money back out.
      await page.goto(`${BASE_URL}/finance/allocate/finance_receipt/${receipt.id}`)
      await page.locator(tid('fin-allocate-reverse')).click()
      await field(page, 'fin-reverse-reason').fill('退票')
      await page.locator(tid('fin-reverse-confirm')).click()
      await page.locator(tid('fin-allocate-status')).filter({ hasText: '已红冲' }).waitFor({ timeout: T })
      const reversed = await finance('GET', `/api/finance/receipts/${receipt.id}`)
      assert.equal(reversed.status, 'reversed')
      assert.ok(reversed.reversal_id)
      const reopened = (await finance('GET', openQuery)).items.filter((i) => invoices.some((v) => v.document_id === i.document_id))
      assert.deepEqual(reopened.map((i) => i.open), invoices.map((i) => i.open))
      const bankAfter = (await finance('GET', `/api/finance/cash-entries?account_id=${account.id}&page_size=1`)).closing_balance
      assert.equal(bankAfter, bankBefore, 'the money is back out of the account')
      await settle(page)
      await shot(page, 'receipts-reversed')
      assert.deepEqual(page.errors, [])
      ok(`receipts: ${posted.number} against ${invoices.map((i) => i.document_number).join(', ')}; statement printed; reversed`)
    } finally {
      await context.close()
    }
  },
}
