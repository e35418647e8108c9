// The document workspace (issue 16, first slice), rendered from GET /api/meta/documents:
// sz01.manager creates a goods receipt, posts it, sees its number and stock moves, reverses it with
// a reason and follows the link both ways; then a stocktake sheet with one gain and one loss, its
// adjustment moves and the stock it leaves. A refusal shows at its line in Chinese. A clerk gets the
// documents without actions. Tablet (1280×800) and phone (390×844), zh-CN and en; no console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, PHONE, setLanguage, settle, shot, T, TABLET, tid } from '../lib.mjs'

/** Console errors other than failed requests (the refusals this scenario provokes are 4xx answers). */
function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

/** Choose in a workspace lookup: type into it, wait for the server's answer to that search (the
 *  list shown on focus is replaced when it comes), pick the option that shows `optionText`. */
async function pick(page, testId, text, optionText = text) {
  const input = field(page, testId)
  await input.click()
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === text, { timeout: T })
  await input.fill(text)
  await searched
  const option = page.locator('.q-menu .q-item').filter({ hasText: optionText }).first()
  await option.waitFor({ timeout: T })
  await option.click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

/** The whole field (label, value, messages) of an input or select by its data-test. */
const box = (page, testId) => page.locator(`.q-field:has(${tid(testId)}), .q-field${tid(testId)}`).first()

/** Choose a value of a select that offers fixed choices. */
async function choose(page, testId, optionText) {
  await box(page, testId).click()
  await page.locator('.q-menu .q-item').filter({ hasText: optionText }).first().click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

async function bookQuantity(call, warehouseId, itemId) {
  const page = await call('GET', `/api/stock/current?warehouse_id=${warehouseId}&item_id=${itemId}`)
  return Number(page.totals.quantity)
}

export const scenarios = {
  async workspace(browser) {
    const call = await apiAs('sz01.manager')
    const good = (await call('GET', '/api/warehouses?kind=good')).items[0]
    const items = (await call('GET', '/api/items?q=HU-MATE60PRO&kind=part&page_size=50')).items
    const screen = items.find((i) => i.code.endsWith('-SCR'))
    const battery = items.find((i) => i.code.endsWith('-BAT'))
    const cover = items.find((i) => i.code.endsWith('-BCV'))
    assert.ok(good && screen && battery && cover, 'demo data: SZ01 good warehouse and Mate 60 Pro parts')

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.manager')
    await page.locator(tid('home-page')).waitFor({ timeout: T })

    // The menu's warehouse section comes from the export: one entry per document type.
    await page.locator(tid('menu-ws-goods_receipt')).waitFor({ timeout: T })
    await page.locator(tid('menu-ws-stock_adjustment')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('main-menu')).innerText(), /仓库单据[\s\S]*入库单[\s\S]*库存调整单/)
    ok('the menu lists the document types the export gives sz01.manager')

    // -- a goods receipt ------------------------------------------------------------------------
    await page.locator(tid('menu-ws-goods_receipt')).click()
    await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-new')).click()
    await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
    assert.match(await box(page, 'ws-field-kind').innerText(), /采购入库/)
    await pick(page, 'ws-field-warehouse_id', '良品', good.name)
    await pick(page, 'ws-field-party_id', '华强北', '深圳华强北配件行')
    await field(page, 'ws-field-reference').fill('PO-2026-118')
    await pick(page, 'ws-line-0-item_id', screen.code)
    await field(page, 'ws-line-0-quantity').fill('5')
    await field(page, 'ws-line-0-unit_cost').fill('380')
    await page.locator(tid('ws-add-line')).click()
    await pick(page, 'ws-line-1-item_id', battery.code)
    await field(page, 'ws-line-1-quantity').fill('3')
    await field(page, 'ws-line-1-unit_cost').fill('60.5')
    assert.equal(await page.locator(tid('ws-form-total-quantity')).innerText(), '8')
    await settle(page)
    await shot(page, 'workspace-01-receipt-form-zh-tablet')
    ok('the receipt form: kind, warehouse, supplier (lookups to base data), two lines, the total')

    await page.locator(tid('ws-save-post')).click()
    await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-status-posted')).waitFor({ timeout: T })
    const title = await page.locator('h1').innerText()
    const number = /RK-SZ01-\d{4}-\d+/.exec(title)?.[0]
    assert.ok(number, `the posted receipt shows its number: ${title}`)
    const moves = page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`)
    await moves.nth(1).waitFor({ timeout: T })
    assert.equal(await moves.count(), 2)
    const movesText = await page.locator(tid('ws-ledger-stock_moves')).innerText()
    assert.match(movesText, /深圳华强北配件行（供应商）/)
    assert.match(movesText, new RegExp(`${good.name}（仓库）`))
    assert.match(movesText, /屏幕总成[\s\S]*5/)
    assert.match(await page.locator(tid('ws-audit')).innerText(), /过账/)
    await page.locator(tid('ws-ledger-stock_moves')).scrollIntoViewIfNeeded()
    await settle(page)
    await shot(page, 'workspace-02-receipt-posted-moves-zh-tablet')
    ok(`saved and posted: ${number}, two stock moves supplier → ${good.name}, the audit trail`)

    // -- printed from the document page: the receipt's own form (入库单), A4 and A5 offered ----------
    const receiptEntry = (await call('GET', '/api/meta/documents')).documents.find((e) => e.key === 'goods_receipt')
    const [form] = receiptEntry.prints
    assert.ok(form && form.papers.length, 'the export names the receipt\'s print form')
    const docId = page.url().split('/').pop()
    const printPath = form.path.replace('{id}', docId)
    const printed = page.waitForResponse((r) => new URL(r.url()).pathname === printPath, { timeout: 30_000 })
    const tab = context.waitForEvent('page', { timeout: T })
    await page.locator(tid('ws-print')).click()
    for (const paper of form.papers) await page.locator(tid(`ws-print-${form.name}-${paper}`)).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workspace-02b-receipt-print-menu-zh-tablet')
    await page.locator(tid(`ws-print-${form.name}-${form.papers[0]}`)).click()
    const answer = await printed
    assert.equal(answer.status(), 200)
    assert.match(answer.headers()['content-type'], /application\/pdf/)
    assert.equal(new URL(answer.url()).searchParams.get('paper'), form.papers[0])
    await (await tab).close()
    // The same form as HTML: the right paper, titled 入库单, this document's number.
    const token = await (await fetch(`${BASE_URL}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'sz01.manager', password: 'demo-2026' }) })).json()
    const html = await (await fetch(`${BASE_URL}${printPath}?format=html&paper=${form.papers[0]}&lang=zh`, { headers: { Authorization: `Bearer ${token.access_token}` } })).text()
    assert.match(html, /入库单/)
    assert.ok(html.includes(number), 'the printed form is this receipt')
    ok(`printed from the document page: ${form.name} (${form.papers.join('/')}), a PDF; as HTML titled 入库单 with ${number}`)

    await page.locator(tid('ws-action-reverse')).click()
    await page.locator(tid('ws-action-dialog')).waitFor({ timeout: T })
    await page.locator(tid('ws-action-confirm')).click()
    await page.locator(`${tid('ws-action-dialog')} .q-field--error`).getByText('必填').waitFor({ timeout: T })
    ok('a reversal without a reason is refused at the reason, in Chinese')
    await field(page, 'ws-input-reason').fill('供应商送错型号，整单退回')
    await settle(page)
    await shot(page, 'workspace-03-reverse-dialog-zh-tablet')
    await page.locator(tid('ws-action-confirm')).click()
    await page.locator(tid('ws-status-reversed')).waitFor({ timeout: T })
    const reversedBy = page.locator(tid('ws-link-reversal'))
    await reversedBy.getByText(/RK-SZ01-/).waitFor({ timeout: T })
    const reversalNumber = await reversedBy.innerText()
    assert.notEqual(reversalNumber, number)
    assert.match(await page.locator(tid('ws-reversal-reason')).innerText(), /供应商送错型号/)
    await settle(page)
    await shot(page, 'workspace-04-receipt-reversed-zh-tablet')
    ok(`reversed with its reason; the original links to ${reversalNumber}`)

    await reversedBy.click()
    await page.locator(tid('ws-is-reversal')).waitFor({ timeout: T })
    await page.locator(tid('ws-link-reverses')).getByText(number).waitFor({ timeout: T })
    await page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`).nth(1).waitFor({ timeout: T })
    assert.match(await page.locator(tid('ws-ledger-stock_moves')).innerText(), new RegExp(`${good.name}（仓库）[\\s\\S]*深圳华强北配件行（供应商）`))
    assert.equal(await page.locator(tid('ws-action-reverse')).count(), 0, 'a reversal is not reversed')
    await page.locator(tid('ws-ledger-stock_moves')).scrollIntoViewIfNeeded()
    await settle(page)
    await shot(page, 'workspace-05-reversal-moves-zh-tablet')
    await page.locator(tid('ws-link-reverses')).click()
    await page.locator(tid('ws-status-reversed')).waitFor({ timeout: T })
    ok('the reversal links back to the original, its moves the opposite, and offers no reversal')

    await page.locator(tid('menu-ws-goods_receipt')).click()
    await page.locator(tid(`ws-row-${number}`)).waitFor({ timeout: T })
    await page.locator(tid(`ws-row-${reversalNumber}`)).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workspace-06-receipts-list-zh-tablet')
    ok('the list shows both, with totals')
    // The list exports what it shows: the server's sheet of the same filters, in the reader's language.
    const exported = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/stock/goods-receipts/export', { timeout: 60_000 })
    await page.locator(tid('ws-export')).click()
    const sheet = await exported
    assert.equal(sheet.status(), 200, 'the receipts exported')
    assert.match(sheet.headers()['content-type'], /spreadsheetml/)
    assert.equal(new URL(sheet.url()).searchParams.get('lang'), 'zh-CN')
    ok('the receipts list exported to Excel (.xlsx) with its filters')
    // A link may set the list's filters: only the reversed original.
    await page.goto(`${BASE_URL}/workspace/goods_receipt?status=reversed`)
    await page.locator(tid(`ws-row-${number}`)).waitFor({ timeout: T })
    assert.equal(await page.locator(tid(`ws-row-${reversalNumber}`)).count(), 0, 'the link\'s filter applies')
    await page.locator(`.q-field:has(${tid('ws-filter-status')}), .q-field${tid('ws-filter-status')}`).first().getByText('已红冲').waitFor({ timeout: T })
    ok('a link\'s query sets the list\'s filter (status=reversed)')

    // -- a stocktake with a gain and a loss ------------------------------------------------------
    // Stock to count: a receipt posted through the API (the list above already shows the UI's).
    const seed = await call('POST', '/api/stock/goods-receipts', { kind: 'purchase', warehouse_id: good.id,
      party_id: (await call('GET', '/api/parties?role=supplier&q=华强北')).items[0].id,
      lines: [{ item_id: screen.id, quantity: '10', unit_cost: '380' }] })
    await call('POST', `/api/stock/goods-receipts/${seed.id}/post`)
    const bookScreen = await bookQuantity(call, good.id, screen.id)
    const bookCover = await bookQuantity(call, good.id, cover.id)

    await page.locator(tid('menu-ws-stock_adjustment')).click()
    await page.locator(tid('ws-new')).click()
    await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
    await choose(page, 'ws-field-kind', '盘点')
    await page.locator(tid('ws-line-0-counted_quantity')).first().waitFor({ timeout: T })
    assert.equal(await page.locator(tid('ws-line-0-quantity')).count(), 0, 'a stocktake sheet takes counted quantities only')
    await pick(page, 'ws-field-warehouse_id', '良品', good.name)
    await pick(page, 'ws-line-0-item_id', screen.code)
    // The sheet shows the book quantity before it is first saved: what the warehouse holds now.
    await page.locator(tid('ws-line-0-book_quantity-shown')).getByText(String(bookScreen)).waitFor({ timeout: T })
    await field(page, 'ws-line-0-counted_quantity').fill(String(bookScreen - 2))
    await page.locator(tid('ws-add-line')).click()
    await pick(page, 'ws-line-1-item_id', cover.code)
    // Posting with a line not counted yet: refused at that line, in Chinese.
    await page.locator(tid('ws-save-post')).click()
    await page.locator(`${tid('ws-line-1')} .q-field--error`).getByText('请填写盘点数量').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workspace-07-stocktake-refused-zh-tablet')
    ok('a line without its counted quantity is refused at that line, in Chinese')
    await field(page, 'ws-line-1-counted_quantity').fill(String(bookCover + 3))
    await page.locator(tid('ws-save-post')).click()
    await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-status-posted')).waitFor({ timeout: T })
    const lines = await page.locator(tid('ws-lines')).innerText()
    assert.match(lines, /盘盈\(\+\)\/盘亏\(−\)/)
    assert.match(lines, new RegExp(`屏幕总成[\\s\\S]*${bookScreen - 2}[\\s\\S]*-2`))
    assert.match(lines, new RegExp(`后盖[\\s\\S]*${bookCover + 3}[\\s\\S]*3`))
    await page.locator(`${tid('ws-ledger-stock_moves')} tbody tr`).nth(1).waitFor({ timeout: T })
    const adj = await page.locator(tid('ws-ledger-stock_moves')).innerText()
    assert.match(adj, new RegExp(`屏幕总成\\s+${good.name}（仓库）\\s+库存调整\\s`))
    assert.match(adj, new RegExp(`后盖\\s+库存调整\\s+${good.name}（仓库）`))
    assert.equal(await bookQuantity(call, good.id, screen.id), bookScreen - 2)
    assert.equal(await bookQuantity(call, good.id, cover.id), bookCover + 3)
    await settle(page)
    await shot(page, 'workspace-08-stocktake-posted-zh-tablet')
    await page.locator(tid('ws-ledger-stock_moves')).scrollIntoViewIfNeeded()
    await shot(page, 'workspace-08-stocktake-moves-zh-tablet')
    ok(`stocktake posted: screen −2 (loss), back cover +3 (gain), moves to and from adjustment, stock as counted`)
    const stocktakeUrl = page.url()

    // -- English ----------------------------------------------------------------------------
    await setLanguage(page, 'en')
    await page.locator(tid('ws-lines')).getByText('Gain (+) / loss (−)').waitFor({ timeout: T })
    await page.locator(tid('ws-ledger-stock_moves')).getByText('Adjustment').first().waitFor({ timeout: T })
    assert.match(await page.locator(tid('ws-ledger-stock_moves')).innerText(), /Item\s+From\s+To\s+Quantity/)
    assert.match(await page.locator('h1').innerText(), /^Stock adjustment TZ-SZ01-/)
    await settle(page)
    await shot(page, 'workspace-09-stocktake-posted-en-tablet')
    await page.locator(tid('menu-ws-goods_receipt')).click()
    await page.locator(tid(`ws-row-${number}`)).waitFor({ timeout: T })
    assert.match(await page.locator(tid('ws-table')).innerText(), /Reversed/)
    await settle(page)
    await shot(page, 'workspace-10-receipts-list-en-tablet')
    await page.locator(tid('ws-new')).click()
    await box(page, 'ws-field-kind').getByText('Purchase').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workspace-11-receipt-form-en-tablet')
    ok('the same screens in English, words from the export')
    assert.deepEqual(page.errors, [])
    assert.deepEqual(consoleErrors, [])
    await context.close()

    // -- a clerk: the documents, no actions --------------------------------------------------
    const clerk = await newContext(browser, TABLET)
    const clerkConsole = watchConsole(clerk.page)
    await clerk.page.goto(BASE_URL + stocktakeUrl.slice(stocktakeUrl.indexOf('/workspace')))
    await login(clerk.page, 'sz01.clerk')
    await clerk.page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await clerk.page.locator(tid('ws-status-posted')).waitFor({ timeout: T })
    assert.equal(await clerk.page.locator('[data-test^="ws-action-"]').count(), 0, 'stock.view only: no action offered')
    await clerk.page.locator(tid('menu-ws-goods_receipt')).click()
    await clerk.page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    assert.equal(await clerk.page.locator(tid('ws-new')).count(), 0)
    ok('a clerk (stock.view) reads the documents and is offered no action')
    assert.deepEqual(clerk.page.errors, [])
    assert.deepEqual(clerkConsole, [])
    await clerk.context.close()

    // -- a phone ---------------------------------------------------------------------------
    const phone = await newContext(browser, PHONE)
    const phoneConsole = watchConsole(phone.page)
    await phone.page.goto(BASE_URL + '/workspace/goods_receipt')
    await login(phone.page, 'sz01.manager')
    await phone.page.locator(tid(`ws-card-${number}`)).waitFor({ timeout: T })
    await settle(phone.page)
    await shot(phone.page, 'workspace-12-receipts-list-zh-phone')
    await phone.page.locator(tid(`ws-card-${number}`)).click()
    await phone.page.locator(tid('ws-link-reversal')).waitFor({ timeout: T })
    await settle(phone.page)
    await shot(phone.page, 'workspace-13-receipt-reversed-zh-phone')
    await phone.page.goto(BASE_URL + '/workspace/stock_adjustment/new')
    await phone.page.locator(tid('ws-form-page')).waitFor({ timeout: T })
    await choose(phone.page, 'ws-field-kind', '盘点')
    await settle(phone.page)
    await shot(phone.page, 'workspace-14-stocktake-form-zh-phone')
    await setLanguage(phone.page, 'en')
    await phone.page.goto(BASE_URL + stocktakeUrl.slice(stocktakeUrl.indexOf('/workspace')))
    await phone.page.locator(tid('ws-lines')).waitFor({ timeout: T })
    await settle(phone.page)
    await shot(phone.page, 'workspace-15-stocktake-posted-en-phone')
    const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `nothing runs off the phone's screen (${overflow}px)`)
    ok('a phone: list as cards, the document, a stocktake sheet, in zh and en, nothing off screen')
    assert.deepEqual(phone.page.errors, [])
    assert.deepEqual(phoneConsole, [])
    await phone.context.close()
  },
}
