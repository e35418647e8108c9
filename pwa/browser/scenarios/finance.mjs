// Finance, read side (issue 16, §6): a finance user opens receivables and payables, drills from a
// counterparty to its documents and the entries one wrote, follows a document to its screen, reads
// the ledger detail, then a money account's detail with its running balance and exports it to
// Excel. sz01.finance on a tablet, hq.finance (choosing SZ01) on a desktop, each in zh-CN and en;
// the demo's repair business (server/finance/demo.py) is what they read. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, setLanguage, settle, shot, T, TABLET, tid } from '../lib.mjs'

const DESKTOP = { width: 1600, height: 1000 }

/** Choose SZ01 in an organisation select; its options come once the directory has loaded. */
async function chooseSz01(page, testId) {
  for (let attempt = 0; ; attempt++) {
    await page.locator(`.q-field:has(${tid(testId)})`).click()
    const option = page.locator('.q-menu .q-item').filter({ hasText: '(SZ01)' }).first()
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

const rowsOf = (page, table) => page.locator(`${tid(table)} tbody tr:not(.q-table__bottom)`)

async function walk(browser, { username, viewport, lang, size }) {
  const call = await apiAs(username)
  const sz01 = (await call('GET', '/api/organisations?page_size=200')).items.find((o) => o.code === 'SZ01')
  const { context, page } = await newContext(browser, viewport)
  const name = `finance-${size}-${lang}`
  try {
    await page.goto(`${BASE_URL}/login`)
    await login(page, username)
    await page.locator(tid('menu-financeCounterparties')).waitFor({ timeout: T })
    if (lang !== 'zh-CN') await setLanguage(page, lang)

    // Receivables: the manufacturer's in-warranty labour fees (demo settlements).
    await page.locator(tid('menu-financeCounterparties')).click()
    await page.waitForURL(/\/finance\/counterparties$/, { timeout: T })
    if (username.startsWith('hq.')) {
      await chooseSz01(page, 'fin-org')
    }
    await page.locator(tid('fin-direction')).locator('button').nth(1).click() // receivable
    const expected = await call('GET', `/api/finance/counterparty-balances?org_id=${sz01.id}&direction=receivable&nonzero=true`)
    assert.ok(expected.total >= 1, 'the demo has a receivable at SZ01')
    await rowsOf(page, 'fin-counterparties-table').first().waitFor({ timeout: T })
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n,
      [`[data-test="fin-counterparties-table"] tbody tr:not(.q-table__bottom)`, expected.total], { timeout: T })
    await settle(page)
    await shot(page, `${name}-receivables`)

    // The counterparty: balance, documents; one document's entries. Scenarios share the server, and
    // others post receipts, claims and openings at SZ01: the walk takes a party owing money whose
    // documents are the demo's pickup settlements only.
    let maker = null
    for (const item of expected.items.filter((i) => i.counterparty_kind === 'party' && Number(i.receivable) > 0)) {
      const docsOf = await call('GET', `/api/finance/counterparty-documents?org_id=${sz01.id}&counterparty_kind=party&counterparty_id=${item.counterparty_id}&direction=receivable&page_size=200`)
      if (docsOf.items.length && docsOf.items.every((d) => d.document_type === 'repair_settlement')) { maker = item; break }
    }
    assert.ok(maker, 'the demo has a party owed by pickup settlements only at SZ01')
    await page.locator(tid('fin-counterparty-link')).filter({ hasText: maker.counterparty_name }).first().click()
    await page.waitForURL(/\/finance\/counterparties\/[^/]+\/party\/[^/]+/, { timeout: T })
    // The balance the list showed (formatted: ¥100.00).
    const amountText = (v) => new RegExp(Number(v).toLocaleString('en', { minimumFractionDigits: 2 }).replace(/[.,]/g, (c) => `\\${c}`))
    await page.locator(tid('fin-balance-receivable')).filter({ hasText: amountText(maker.receivable) }).waitFor({ timeout: T })
    const docs = rowsOf(page, 'fin-documents-table')
    await docs.first().waitFor({ timeout: T })
    assert.equal(await docs.count(), Math.min(maker.entries, 20), 'one document per settlement')
    const firstDoc = docs.first()
    assert.match(await firstDoc.innerText(), lang === 'en' ? /Pickup settlement/ : /取机结算/)
    await settle(page)
    await shot(page, `${name}-counterparty`)
    await firstDoc.locator(tid('fin-document-entries')).click()
    const dialog = page.locator(tid('fin-entries-dialog'))
    await dialog.locator('tbody tr').first().waitFor({ timeout: T })
    assert.match(await dialog.innerText(), lang === 'en' ? /Receivable/ : /应收/)
    await settle(page)
    await shot(page, `${name}-document-entries`)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached', timeout: T })

    // The document opens on its screen: the repair order the settlement belongs to.
    const link = firstDoc.locator(tid('fin-source-link'))
    const href = await link.getAttribute('href')
    assert.match(href, /\/(hq\/orders|repair\/orders)\/[0-9a-f-]{36}$/, `a settlement opens its order: ${href}`)

    // Ledger detail: opening + entries = closing.
    await page.locator(tid('fin-tab-ledger')).click()
    await rowsOf(page, 'fin-ledger-table').first().waitFor({ timeout: T })
    await field(page, 'fin-ledger-from').fill('2000-01-01')
    await page.locator(tid('fin-ledger-closing')).filter({ hasText: amountText(maker.receivable) }).waitFor({ timeout: T })
    assert.equal(await rowsOf(page, 'fin-ledger-table').count(), maker.entries, 'every receivable entry since 2000')
    await settle(page)
    await shot(page, `${name}-ledger`)

    // Following it leaves the finance pages: back to the documents tab, then along the link.
    await page.locator(tid('fin-tab-documents')).click()
    await rowsOf(page, 'fin-documents-table').first().locator(tid('fin-source-link')).click()
    await page.waitForURL((u) => u.pathname === href, { timeout: T })
    const [doc] = (await call('GET', `/api/finance/counterparty-documents?org_id=${sz01.id}&counterparty_kind=party&counterparty_id=${maker.counterparty_id}`)).items
    await page.getByText(doc.link.number).first().waitFor({ timeout: T }) // the order's own page
    await settle(page)
    await shot(page, `${name}-order`)

    // Money accounts: the cash drawer's detail, its running balance, the Excel file.
    await page.locator(tid('menu-financeAccounts')).click()
    await page.waitForURL(/\/finance\/accounts$/, { timeout: T })
    if (username.startsWith('hq.')) {
      await chooseSz01(page, 'fin-accounts-org')
    }
    const accounts = (await call('GET', `/api/finance/account-balances?org_id=${sz01.id}`)).items
    const cash = accounts.find((a) => a.code === 'CASH')
    assert.ok(Number(cash.balance) > 0, `cash came in at SZ01: ${cash.balance}`)
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n,
      [`[data-test="fin-accounts-table"] tbody tr:not(.q-table__bottom)`, accounts.length], { timeout: T })
    await settle(page)
    await shot(page, `${name}-accounts`)
    await page.locator(tid('fin-account-link')).filter({ hasText: cash.name }).first().click()
    await page.waitForURL(/\/finance\/accounts\/[0-9a-f-]{36}/, { timeout: T })
    await field(page, 'fin-ledger-from').fill('2000-01-01')
    await page.locator(tid('fin-ledger-closing')).filter({ hasText: amountText(cash.balance) }).waitFor({ timeout: T })
    const rows = rowsOf(page, 'fin-ledger-table')
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n,
      [`[data-test="fin-ledger-table"] tbody tr:not(.q-table__bottom)`, cash.entries], { timeout: T })
    assert.match(await rows.last().innerText(), amountText(cash.balance), "the last running balance is the account's")
    await settle(page)
    await shot(page, `${name}-account-ledger`)
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.locator(tid('fin-ledger-export')).click()])
    assert.match(download.suggestedFilename(), /^account-ledger-\d{4}-\d\d-\d\d\.xlsx$/)
    assert.deepEqual(page.errors, [])
    ok(`${name}: receivables → counterparty → documents → entries → ledger; account detail and Excel`)
  } finally {
    await context.close()
  }
}

export const scenarios = {
  async finance(browser) {
    for (const run of [
      { username: 'sz01.finance', viewport: TABLET, lang: 'zh-CN', size: 'tablet' },
      { username: 'sz01.finance', viewport: TABLET, lang: 'en', size: 'tablet' },
      { username: 'hq.finance', viewport: DESKTOP, lang: 'zh-CN', size: 'desktop' },
      { username: 'hq.finance', viewport: DESKTOP, lang: 'en', size: 'desktop' },
    ]) await walk(browser, run)
  },
}
