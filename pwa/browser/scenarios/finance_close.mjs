// Opening balances, reclassification and closing periods (issue 19 §5, §6): headquarters' finance
// (hq.finance, desktop, zh-CN) keeps GZ01's books, which no other scenario dates into the past.
// In the browser: the opening balance sheet (财务初始化) entered in the workspace's form — a dealer's
// receivable and a bank account's balance, go-live ten days ago — and posted: the dealer's balance is
// an open item, the books are closed through the day before go-live; a reclassification (调账单) moves
// part of it to another dealer, is posted and printed (the A4 voucher, a PDF from the server); the
// period is closed on the 结账 screen through five days ago; a receipt dated in it is refused naming
// its date, and nothing changes; the 财务调整 list reverses the reclassification (dated today).
// Checked against REST at each step. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, settle, shot, T, tid, businessDay } from '../lib.mjs'

const DESKTOP = { width: 1600, height: 1000 }
const daysAgo = (n) => businessDay(-n)

/** Pick an option of a workspace select or lookup, typing `search` first when given. */
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
      // The choice must stay (a lookup still loading may answer after the click): else choose again.
      await page.locator(`.q-field${tid(testId)}, .q-field:has(${tid(testId)})`).filter({ hasText: text }).first().waitFor({ timeout: 3000 })
      return
    } catch (e) {
      if (attempt >= 4) throw e
      await page.keyboard.press('Escape')
    }
  }
}

async function save(page, path) {
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path, { timeout: T })
  await page.locator(tid('ws-save')).click()
  const resp = await created
  assert.equal(resp.status(), 201, JSON.stringify(await resp.json()))
  const doc = await resp.json()
  await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
  return doc
}

async function post(page, path) {
  const answer = page.waitForResponse((r) => new URL(r.url()).pathname === path, { timeout: T })
  await page.locator(tid('ws-action-post')).click()
  await page.locator('.q-dialog .q-btn').filter({ hasText: '过账' }).last().click()
  return answer
}

export const scenarios = {
  async finance_close(browser) {
    const finance = await apiAs('hq.finance')
    const gz = (await finance('GET', '/api/organisations?page_size=200')).items.find((o) => o.code === 'GZ01')
    const dealers = (await finance('GET', '/api/parties?role=dealer&page_size=50')).items
    const [dealer, other] = dealers
    assert.ok(dealer && other, 'demo data: two dealers')
    const bank = (await finance('GET', `/api/money-accounts?org_id=${gz.id}&page_size=50`)).items.find((a) => a.active && a.kind === 'bank')
    assert.ok(bank, 'demo data: a bank account at GZ01')
    const existing = (await finance('GET', `/api/finance/openings?org_id=${gz.id}&status=posted`)).total
    assert.equal(existing, 0, 'GZ01 has no opening balances yet (this scenario posts them once per server)')
    const goLive = daysAgo(10)
    const openQuery = `/api/finance/open-items?org_id=${gz.id}&counterparty_id=${dealer.id}&direction=receivable`

    const { context, page } = await newContext(browser, DESKTOP)
    const consoleErrors = []
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(`${page.url()}: ${m.text()}`)
    })
    try {
      await page.goto(`${BASE_URL}/login`)
      await login(page, 'hq.finance')
      await page.locator(tid('menu-financeAdjust')).waitFor({ timeout: T })

      // 财务初始化: the dealer owes 800.00, the bank holds 5,000.00, on the go-live day.
      await page.goto(`${BASE_URL}/workspace/finance_opening/new`)
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await choose(page, 'ws-field-org_id', gz.name)
      await field(page, 'ws-field-doc_date').fill(goLive)
      await choose(page, 'ws-line-0-party_id', dealer.name, dealer.code)
      await choose(page, 'ws-line-0-direction', '应收')
      await field(page, 'ws-line-0-amount').fill('800.00')
      await field(page, 'ws-line-0-memo').fill('期初欠款')
      await page.locator(tid('ws-add-line')).click()
      await choose(page, 'ws-line-1-account_id', bank.name)
      await field(page, 'ws-line-1-amount').fill('5000.00')
      await settle(page)
      await shot(page, 'finance_close-opening-form')
      const opening = await save(page, '/api/finance/openings')
      assert.equal(opening.lines.length, 2, JSON.stringify(opening))
      assert.equal(opening.receivable_total, '800.00')
      const posted = await post(page, `/api/finance/openings/${opening.id}/post`)
      assert.equal(posted.status(), 200, JSON.stringify(await posted.json()))
      const openingDoc = await finance('GET', `/api/finance/openings/${opening.id}`)
      assert.match(openingDoc.number, /^QC-GZ01-/)
      await page.locator(tid('ws-doc-title')).filter({ hasText: openingDoc.number }).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'finance_close-opening-posted')
      const items = (await finance('GET', openQuery)).items
      assert.deepEqual(items.map((i) => [i.document_number, i.open]), [[openingDoc.number, '800.00']], 'the opening is the dealer\'s open item')
      let periods = (await finance('GET', '/api/finance/periods')).items.find((r) => r.org_id === gz.id)
      assert.equal(periods.closed_through, daysAgo(11), 'closed through the day before go-live')
      ok(`opening balances ${openingDoc.number} posted: the dealer's 800.00 open, the books closed through ${periods.closed_through}`)

      // 调账单: 300.00 of the dealer's receivable belongs to another dealer.
      await page.goto(`${BASE_URL}/workspace/finance_reclass/new`)
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await choose(page, 'ws-field-org_id', gz.name)
      await field(page, 'ws-field-doc_date').fill(daysAgo(8))
      await choose(page, 'ws-field-direction', '应收')
      await choose(page, 'ws-field-from_party_id', dealer.name, dealer.code)
      await choose(page, 'ws-field-to_party_id', other.name, other.code)
      await field(page, 'ws-field-amount').fill('300.00')
      await field(page, 'ws-field-reason').fill('期初挂错往来单位')
      await settle(page)
      await shot(page, 'finance_close-reclass-form')
      const reclass = await save(page, '/api/finance/reclasses')
      const reclassPosted = await post(page, `/api/finance/reclasses/${reclass.id}/post`)
      assert.equal(reclassPosted.status(), 200, JSON.stringify(await reclassPosted.json()))
      const reclassDoc = await finance('GET', `/api/finance/reclasses/${reclass.id}`)
      assert.match(reclassDoc.number, /^TZ-GZ01-/)
      await page.locator(tid('ws-doc-title')).filter({ hasText: reclassDoc.number }).waitFor({ timeout: T })
      assert.deepEqual((await finance('GET', openQuery)).items.map((i) => i.open), ['500.00'], 'the first dealer owes 500.00')
      const toOther = (await finance('GET', `/api/finance/open-items?org_id=${gz.id}&counterparty_id=${other.id}&direction=receivable`)).items
      assert.ok(toOther.some((i) => i.document_number === reclassDoc.number && i.open === '300.00'), 'the other dealer owes 300.00')
      // Both sides are rows of the one document.
      await page.locator(tid('ws-ledgers')).or(page.locator('text=往来分录')).first().waitFor({ timeout: T }).catch(() => {})
      await settle(page)
      await shot(page, 'finance_close-reclass-posted')

      // The voucher printed on A4 (a PDF from the server, opened in a new tab).
      await page.locator(tid('ws-print')).click()
      const pdf = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/print/finance-reclass-voucher/${reclass.id}`, { timeout: 30_000 })
      const popup = page.waitForEvent('popup', { timeout: 30_000 }).catch(() => null)
      await page.locator(tid('ws-print-finance-reclass-voucher-a4')).click()
      const printed = await pdf
      assert.equal(printed.status(), 200)
      assert.match(printed.headers()['content-type'] || '', /application\/pdf/)
      const tab = await popup
      if (tab) await tab.close()
      ok(`reclassification ${reclassDoc.number} posted (500.00 / 300.00 open) and its voucher printed`)

      // 结账: GZ01's books closed through five days ago on the periods screen.
      await page.goto(`${BASE_URL}/finance/periods`)
      await page.locator(tid('fin-period-close-GZ01')).waitFor({ timeout: T })
      await page.locator(tid('fin-period-close-GZ01')).click()
      await page.locator(tid('fin-period-dialog')).waitFor({ timeout: T })
      await field(page, 'fin-period-date').fill(daysAgo(5))
      await field(page, 'fin-period-reason').fill('月中结账')
      await page.locator(tid('fin-period-confirm')).click()
      await page.locator(tid('fin-period-closed-GZ01')).filter({ hasText: daysAgo(5) }).waitFor({ timeout: T })
      await page.locator(tid('fin-periods-history')).filter({ hasText: '月中结账' }).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'finance_close-periods')
      periods = (await finance('GET', '/api/finance/periods')).items.find((r) => r.org_id === gz.id)
      assert.equal(periods.closed_through, daysAgo(5))

      // A receipt dated in the closed period: saved as a draft, its posting refused naming the date.
      await page.goto(`${BASE_URL}/workspace/finance_receipt/new`)
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await choose(page, 'ws-field-org_id', gz.name)
      await choose(page, 'ws-field-party_id', dealer.name, dealer.code)
      await choose(page, 'ws-field-account_id', bank.name)
      await field(page, 'ws-field-amount').fill('100.00')
      await field(page, 'ws-field-doc_date').fill(daysAgo(7))
      const receipt = await save(page, '/api/finance/receipts')
      const cashBefore = (await finance('GET', `/api/finance/cash-entries?account_id=${bank.id}&page_size=1`)).closing_balance
      const refused = await post(page, `/api/finance/receipts/${receipt.id}/post`)
      assert.equal(refused.status(), 422)
      const body = await refused.json()
      assert.ok(body.errors.doc_date, JSON.stringify(body))
      await page.locator(tid('ws-error')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'finance_close-receipt-refused')
      assert.equal((await finance('GET', `/api/finance/receipts/${receipt.id}`)).status, 'draft')
      assert.equal((await finance('GET', `/api/finance/cash-entries?account_id=${bank.id}&page_size=1`)).closing_balance, cashBefore)
      assert.deepEqual((await finance('GET', openQuery)).items.map((i) => i.open), ['500.00'], 'nothing changed')
      ok(`a receipt dated ${daysAgo(7)} refused (closed through ${daysAgo(5)}): ${body.errors.doc_date[0]}`)

      // 财务调整: the reclassification found by its number and reversed, dated today (its own date is closed).
      await page.goto(`${BASE_URL}/finance/adjust`)
      await page.locator(tid('fin-adjust-page')).waitFor({ timeout: T })
      await field(page, 'fin-adjust-number').fill(reclassDoc.number)
      await page.locator(tid(`fin-adjust-reverse-${reclassDoc.number}`)).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'finance_close-adjust')
      await page.locator(tid(`fin-adjust-reverse-${reclassDoc.number}`)).click()
      await page.locator(tid('fin-adjust-dialog')).waitFor({ timeout: T })
      await field(page, 'fin-adjust-reason').fill('调账有误')
      await field(page, 'fin-adjust-on').fill(daysAgo(0))
      const reversed = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/finance/reclasses/${reclass.id}/reverse`, { timeout: T })
      await page.locator(tid('fin-adjust-confirm')).click()
      assert.equal((await reversed).status(), 201)
      await page.locator(tid('fin-adjust-table')).filter({ hasText: '已红冲' }).waitFor({ timeout: T })
      assert.equal((await finance('GET', `/api/finance/reclasses/${reclass.id}`)).status, 'reversed')
      assert.deepEqual((await finance('GET', openQuery)).items.map((i) => i.open), ['800.00'], 'the dealer owes 800.00 again')
      await settle(page)
      await shot(page, 'finance_close-adjust-reversed')
      ok('the reclassification reversed from the 财务调整 list: the dealer\'s 800.00 open again')
      assert.deepEqual(consoleErrors, [], 'no console error')
    } finally {
      await context.close()
    }
  },
}
