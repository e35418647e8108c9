// Bank (issue 19 §4): SZ01's finance clerk moves money between two of the point's accounts, prints
// the transfer voucher, imports the bank's statement and matches it to the account's entries.
// Made first through REST (as sz01.finance): two receipts from a dealer into the repair bank account
// (amounts with odd cents of this run, so other scenarios' rows on the shared server never match).
// In the browser (desktop, zh-CN): the transfer (资金调拨单) in the workspace's form, posted — two cash
// entries, out of the bank and into the drawer; its A4 voucher printed (a PDF; its HTML names the
// number and the amount in words); a statement CSV imported on the bank screen: the transfer's and the
// first receipt's lines match automatically, the second receipt's line (the bank booked it 5 days
// later, out of the window) is matched by hand, and what stays unmatched on both sides is listed:
// the bank's fee (bank only) and a third receipt (books only). Checked against REST at each step.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apiAs, BASE_URL, businessDay, choose, field, fontsReady, login, newContext, ok, settle, shot, T, tid } from '../lib.mjs'

const DESKTOP = { width: 1600, height: 1000 }

const money = (c) => `${c < 0 ? '-' : ''}${Math.trunc(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`

export const scenarios = {
  async bank(browser) {
    const finance = await apiAs('sz01.finance')
    const sz01 = (await finance('GET', '/api/organisations?page_size=200')).items.find((o) => o.code === 'SZ01')
    const accounts = (await finance('GET', `/api/money-accounts?org_id=${sz01.id}&page_size=50`)).items
    const bank = accounts.find((a) => a.code === 'BANK-REPAIR')
    const cash = accounts.find((a) => a.code === 'CASH')
    assert.ok(bank && cash, 'SZ01 has a bank account and a cash drawer')
    const dealer = (await finance('GET', '/api/parties?q=D-XUNJIE&page_size=5')).items.find((p) => p.code === 'D-XUNJIE')
    // Odd cents of this run: 1xx.yy, 2xx.yy, 3xx.yy, 4xx.yy never collide with another run's rows.
    const run = 1 + Math.floor(Math.random() * 9800)
    const amounts = { transfer: 100_000 + run, r1: 20_000 + run, r2: 30_000 + run, r3: 40_000 + run, fee: 1_500 + (run % 97) }
    const today = businessDay()
    const later = businessDay(5)
    const tag = `BK${run}`
    const receipt = async (cents, ref) => {
      const doc = await finance('POST', '/api/finance/receipts', { party_id: dealer.id, account_id: bank.id,
        amount: money(cents), auto_allocate: false, reference: ref })
      assert.ok(doc.id, JSON.stringify(doc))
      const posted = await finance('POST', `/api/finance/receipts/${doc.id}/post`, {})
      assert.equal(posted.status, 'posted', JSON.stringify(posted))
      return posted
    }
    const r1 = await receipt(amounts.r1, `${tag}-1`)
    const r2 = await receipt(amounts.r2, `${tag}-2`)
    const r3 = await receipt(amounts.r3, `${tag}-3`)

    const { context, page } = await newContext(browser, DESKTOP)
    try {
      await page.goto(`${BASE_URL}/login`)
      await login(page, 'sz01.finance')
      await page.locator(tid('menu-financeBank')).waitFor({ timeout: T })

      // -- the transfer: bank → cash drawer, in the workspace's form, posted -------------------------
      await page.goto(`${BASE_URL}/workspace/finance_transfer/new`)
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await choose(page, 'ws-field-from_account_id', bank.name)
      await choose(page, 'ws-field-to_account_id', cash.name)
      await field(page, 'ws-field-amount').fill(money(amounts.transfer))
      await field(page, 'ws-field-reference').fill(`${tag}-ZZ`)
      await settle(page)
      await shot(page, 'bank-01-transfer-form')
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/finance/transfers', { timeout: T })
      await page.locator(tid('ws-save')).click()
      const draft = await (await created).json()
      assert.equal(draft.status, 'draft', JSON.stringify(draft))
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      const postAnswer = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/finance/transfers/${draft.id}/post`, { timeout: T })
      await page.locator(tid('ws-action-post')).click()
      await page.locator('.q-dialog .q-btn').filter({ hasText: '过账' }).last().click()
      assert.equal((await postAnswer).status(), 200)
      const transfer = await finance('GET', `/api/finance/transfers/${draft.id}`)
      assert.match(transfer.number, /^ZZ-SZ01-/)
      const rows = (await finance('GET', `/api/finance/cash-entries?document_id=${transfer.id}`)).items
      assert.deepEqual(rows.map((r) => [r.account_id, r.amount]).sort(),
        [[bank.id, money(-amounts.transfer)], [cash.id, money(amounts.transfer)]].sort())
      await page.locator(tid('ws-status-posted')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'bank-02-transfer-posted')
      ok(`transfer ${transfer.number}: ${money(amounts.transfer)} out of ${bank.code}, into ${cash.code}`)

      // -- its voucher printed on A4 -----------------------------------------------------------------
      const printPath = `/api/print/finance-transfer-voucher/${transfer.id}`
      const printed = page.waitForResponse((r) => new URL(r.url()).pathname === printPath, { timeout: 30_000 })
      const tab = context.waitForEvent('page', { timeout: T }).catch(() => null)
      await page.locator(tid('ws-print')).click()
      await page.locator(tid('ws-print-finance-transfer-voucher-a4')).click()
      const pdf = await printed
      assert.equal(pdf.status(), 200)
      assert.match(pdf.headers()['content-type'] || '', /application\/pdf/)
      const opened = await tab
      if (opened) await opened.close()
      const token = await (await fetch(`${BASE_URL}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'sz01.finance', password: 'demo-2026' }) })).json()
      const html = await (await fetch(`${BASE_URL}${printPath}?format=html&lang=zh`, { headers: { Authorization: `Bearer ${token.access_token}` } })).text()
      assert.ok(html.includes('资金调拨单') && html.includes(transfer.number) && html.includes(bank.name) && html.includes(cash.name),
        'the voucher names the transfer and both accounts')
      ok('voucher printed: a PDF; its HTML names the number and both accounts')

      // -- the bank's statement imported -------------------------------------------------------------
      const csv = ['日期,金额,对方户名,对方账号,摘要',
        `${today},${money(-amounts.transfer)},${cash.name},,${transfer.number}`,
        `${today},${money(amounts.r1)},${dealer.name},6222 0001,${tag}-1`,
        `${later},${money(amounts.r2)},${dealer.name},6222 0001,货款`,
        `${today},${money(-amounts.fee)},银行,,手续费`].join('\n')
      const dir = mkdtempSync(join(tmpdir(), 'bank-'))
      const path = join(dir, `statement-${run}.csv`)
      writeFileSync(path, `\ufeff${csv}\n`)
      await page.locator(tid('menu-financeBank')).click()
      await page.locator(tid('fin-bank-page')).waitFor({ timeout: T })
      await choose(page, 'fin-bank-account', bank.name)
      const fileInput = page.locator(`input[type=file]${tid('fin-bank-file')}, ${tid('fin-bank-file')} input[type=file]`).first()
      // A bad file first: every bad row listed with its row and column, nothing stored.
      const badPath = join(dir, `bad-${run}.csv`)
      writeFileSync(badPath, `date,amount,reference\n${today},12.345,x\n2026-02-30,5.00,y\n${today},7.00,ok\n`)
      const countBefore = (await finance('GET', `/api/finance/bank-statements?account_id=${bank.id}`)).total
      await fileInput.setInputFiles(badPath)
      await page.locator(tid('fin-bank-import')).click()
      await page.locator(tid('fin-bank-problem')).nth(1).waitFor({ timeout: T })
      const problems = await page.locator(tid('fin-bank-problem')).allInnerTexts()
      assert.equal(problems.length, 2, problems.join(' | '))
      assert.match(problems[0], /^2\s+金额/)
      assert.match(problems[1], /^3\s+日期/)
      assert.equal((await finance('GET', `/api/finance/bank-statements?account_id=${bank.id}`)).total, countBefore, 'nothing stored')
      await settle(page)
      await shot(page, 'bank-03-bad-file')
      ok('a bad file: rows 2 (amount) and 3 (date) reported, nothing stored')
      await fileInput.setInputFiles(path)
      await settle(page)
      await shot(page, 'bank-03-import')
      const imported = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/finance/bank-statements', { timeout: T })
      await page.locator(tid('fin-bank-import')).click()
      const statement = await (await imported).json()
      assert.equal(statement.line_count, 4, JSON.stringify(statement))
      await page.locator(tid('fin-bank-statement-page')).waitFor({ timeout: T })
      await page.locator(tid('fin-bank-line-5')).waitFor({ timeout: T })
      ok(`statement imported: 4 lines of ${bank.code}`)

      // -- automatic matches: the transfer's and the first receipt's lines ---------------------------
      await page.locator(tid('fin-bank-auto')).click()
      await page.locator(tid('fin-bank-kind-2')).waitFor({ timeout: T })
      await page.locator(tid('fin-bank-kind-3')).waitFor({ timeout: T })
      let s = await finance('GET', `/api/finance/bank-statements/${statement.id}`)
      const byRow = Object.fromEntries(s.lines.map((l) => [l.row_no, l]))
      assert.equal(byRow[2].entry?.document_number, transfer.number, 'the transfer line matched its entry')
      assert.equal(byRow[3].entry?.document_number, r1.number, 'the first receipt matched')
      assert.equal(byRow[4].matched, false, 'five days off: left for a hand match')
      assert.equal(byRow[5].matched, false, 'the fee is the bank\'s alone')
      assert.equal(await page.locator(tid('fin-bank-kind-2')).innerText(), '自动')
      await settle(page)
      await shot(page, 'bank-04-auto-matched')
      ok(`auto-matched: ${transfer.number}, ${r1.number}`)

      // -- a hand match: the second receipt's line -----------------------------------------------------
      await choose(page, 'fin-bank-pick-4', r2.number)
      await page.locator(tid('fin-bank-match-4')).click()
      await page.locator(tid('fin-bank-kind-4')).filter({ hasText: '手工' }).waitFor({ timeout: T })
      s = await finance('GET', `/api/finance/bank-statements/${statement.id}`)
      const line4 = s.lines.find((l) => l.row_no === 4)
      assert.equal(line4.match_kind, 'manual')
      assert.equal(line4.entry.document_number, r2.number)
      // What stays unmatched: the fee in the bank; the third receipt in the books.
      assert.deepEqual(s.unmatched_lines.map((l) => l.row_no), [5])
      const mine = s.unmatched_entries.filter((e) => [transfer.number, r1.number, r2.number, r3.number].includes(e.document_number))
      assert.deepEqual(mine.map((e) => e.document_number), [r3.number])
      await page.locator(tid('fin-bank-unmatched-line')).filter({ hasText: '手续费' }).waitFor({ timeout: T })
      await page.locator(tid('fin-bank-unmatched-entry')).filter({ hasText: r3.number }).waitFor({ timeout: T })
      assert.equal(await page.locator(tid('fin-bank-matched_count')).innerText(), '3')
      await settle(page)
      await shot(page, 'bank-05-hand-matched')
      assert.deepEqual(page.errors, [])
      ok(`matched by hand: ${r2.number}; unmatched: the bank's fee, ${r3.number} in the books`)
    } finally {
      await context.close()
    }
  },
}
