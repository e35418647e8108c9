// Reports (issue 20, spec §11.1): headquarters' manager goes from the back office's dashboard to the
// reports, builds a custom report over repair orders grouped three levels deep (organisation, state,
// month) on a tablet in Chinese, runs it (subtotals per level, the total equal to the engine's own
// answer through REST), folds a group, looks at the chart, saves it shared with the organisation
// (the administrator, of the same organisation, finds it shared with him), exports the workbook (an
// .xlsx read back: a zip with its sheet) and prints it (the server's A4 landscape PDF). A group's
// row drills down to its documents, as many as the group counts, and one opens in the workspace.
// Then on a desktop in English the saved report opens from the index and runs again. No page error.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { apiAs, BASE_URL, businessDay, choose, field, go, login, newContext, ok, setLanguage, settle, shot, T, TABLET, tid } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }
const NAME = `维修单分布 ${Date.now().toString(36)}`

const SPEC = {
  source: 'repair_orders',
  groupings: [{ field: 'org' }, { field: 'state' }, { field: 'doc_date', by: 'month' }],
  measures: [{ fn: 'count' }],
}

export const scenarios = {
  async reports(browser) {
    const hq = await apiAs('hq.manager')
    const since = businessDay(-365)
    const expected = await hq('POST', '/api/reports/custom/run', { ...SPEC, date_range: { field: 'doc_date', since } })
    const total = expected.rows.at(-1).cells.at(-1)
    assert.ok(total > 0, 'the demo has repair orders')

    const { context, page } = await newContext(browser, TABLET)
    await page.goto(`${BASE_URL}/login`)
    await login(page, 'hq.manager')
    await page.locator(tid('menu-reports')).first().waitFor({ state: 'attached', timeout: T })
    await go(page, '/backoffice/dashboard')
    await page.locator(tid('bo-dashboard-reports')).click()
    await page.locator(tid('reports-page')).waitFor({ timeout: T })
    await page.locator(`${tid('reports-fixed')}`).waitFor({ timeout: T })
    await settle(page)
    ok('the dashboard links to the reports; the index shows the saved and the fixed reports')

    // -- build: three levels, a date range ------------------------------------------------
    await page.locator(tid('reports-new')).click()
    await page.locator(tid('report-builder-page')).waitFor({ timeout: T })
    await settle(page)
    await choose(page, tid('report-source'), /^维修单$/)
    for (const [i, label] of [/^网点$/, /^状态$/, /^受理日期$/].entries()) {
      await page.locator(tid('report-add-grouping')).click()
      await choose(page, `${tid(`report-grouping-${i}`)} ${tid('report-grouping-field')}`, label)
    }
    await choose(page, `${tid('report-grouping-2')} ${tid('report-grouping-by')}`, /^月$/)
    // A refused spec (dates the wrong way round) shows the server's word on the field it names.
    await field(page, 'report-since').fill(businessDay())
    await field(page, 'report-until').fill(businessDay(-10))
    await page.locator(tid('report-run')).click()
    const sinceField = page.locator('.q-field--error').filter({ has: page.locator(tid('report-since')) })
    await sinceField.waitFor({ timeout: T })
    assert.ok((await sinceField.innerText()).trim().length > 4, 'the error is said on the date')
    await field(page, 'report-until').fill('')
    await field(page, 'report-since').fill(since)
    await page.locator(tid('report-run')).click()
    await page.locator(tid('report-result')).waitFor({ timeout: T })
    await settle(page)
    const totalRow = page.locator(`${tid('report-table')} ${tid('report-row-total')}`)
    assert.equal((await totalRow.locator('td').last().innerText()).trim(), String(total), 'the total is the engine\'s')
    const sub1 = page.locator(`${tid('report-table')} tr[data-test="report-row-subtotal"][data-level="1"]`)
    const sub2 = page.locator(`${tid('report-table')} tr[data-test="report-row-subtotal"][data-level="2"]`)
    assert.equal(await sub1.count(), expected.rows.filter((r) => r.type === 'subtotal' && r.level === 1).length, 'a subtotal per organisation')
    assert.equal(await sub2.count(), expected.rows.filter((r) => r.type === 'subtotal' && r.level === 2).length, 'a subtotal per state')
    await shot(page, 'reports-builder-zh-tablet')
    ok(`three-level report run: ${await sub1.count()} organisations, total ${total}`)

    // Folding the first organisation hides its rows, unfolding shows them again.
    const visibleRows = () => page.locator(`${tid('report-table')} tbody tr`).count()
    const before = await visibleRows()
    await sub1.first().locator(tid('report-toggle')).click()
    assert.ok((await visibleRows()) < before, 'a folded group hides its rows')
    await sub1.first().locator(tid('report-toggle')).click()
    assert.equal(await visibleRows(), before)

    await page.locator(tid('report-view-chart')).click()
    await page.locator(`${tid('report-chart')} svg`).first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'reports-chart-zh-tablet')
    await page.locator(tid('report-view-table')).click()
    ok('groups fold; the chart draws a bar per organisation')

    // -- save, shared with the organisation ------------------------------------------------
    await page.locator(tid('report-save')).click()
    await field(page, 'report-save-name').fill(NAME)
    await page.locator(tid('report-save-share')).locator('.q-radio').nth(1).click()
    await page.locator(tid('report-save-confirm')).click()
    await page.waitForURL(/\/reports\/custom\/[0-9a-f-]{36}$/, { timeout: T })
    const id = page.url().split('/').pop()
    const saved = await hq('GET', `/api/reports/custom/saved/${id}`)
    const me = await hq('GET', '/api/auth/me')
    assert.equal(saved.name, NAME)
    assert.equal(saved.shared_org_id, me.user.org_id, 'shared with the organisation')
    assert.equal(saved.spec.groupings.length, 3)
    const admin = await apiAs('admin')
    const seen = (await admin('GET', '/api/reports/custom/saved')).items.find((r) => r.id === id)
    assert.ok(seen && !seen.mine, 'a colleague of the organisation opens it, shared')
    ok('saved and shared with the organisation')

    // -- a schedule: refused without a mail server (said at the addresses), dropped weekly instead --
    await page.locator(tid('report-schedule')).click()
    const sched = page.locator(tid('report-schedule-dialog'))
    await sched.waitFor({ timeout: T })
    await field(page, 'report-schedule-recipients').fill('zhou@example.cn')
    await page.locator(tid('report-schedule-confirm')).click()
    await sched.locator(`.q-field--error ${tid('report-schedule-recipients')}`).waitFor({ timeout: T })
    assert.match(await sched.innerText(), /AFTERCARE_SMTP_URL/, 'said at the addresses: no mail server')
    await field(page, 'report-schedule-recipients').fill('')
    await page.locator(tid('report-schedule-drop')).click()
    await page.locator(tid('report-schedule-confirm')).click()
    await sched.locator(tid('report-schedule-state')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'reports-schedule-zh-tablet')
    const schedule = await hq('GET', `/api/reports/custom/saved/${id}/schedule`)
    assert.equal(schedule.frequency, 'weekly')
    assert.equal(schedule.drop, true)
    assert.deepEqual(schedule.recipients, [])
    assert.ok(schedule.next_run_at, 'a next run')
    await page.keyboard.press('Escape')
    await sched.waitFor({ state: 'detached', timeout: T })
    ok(`scheduled weekly into the report folder (mail refused: no mail server); next run ${schedule.next_run_at}`)

    // -- export: the workbook ----------------------------------------------------------------
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.locator(tid('report-export')).click()])
    assert.match(download.suggestedFilename(), /\.xlsx$/)
    const xlsx = await readFile(await download.path())
    assert.equal(xlsx.subarray(0, 2).toString(), 'PK', 'a zip')
    assert.ok(xlsx.includes('xl/worksheets/sheet1.xml'), 'with its sheet')
    assert.ok(xlsx.includes('xl/styles.xml') && xlsx.length > 3000, `a workbook of ${xlsx.length} bytes, with its styles`)
    ok(`exported ${download.suggestedFilename()}, ${xlsx.length} bytes`)

    // -- print: the PDF -------------------------------------------------------------------------
    context.on('page', (p) => p.close().catch(() => {}))
    const [printed] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/reports/custom/print'), { timeout: 60_000 }),
      page.locator(tid('report-print')).click(),
    ])
    assert.equal(printed.status(), 200)
    assert.equal(printed.headers()['content-type'], 'application/pdf')
    const size = Number(printed.headers()['content-length'])
    assert.ok(size > 5000, `a PDF of ${size} bytes`)
    ok(`printed: the A4 landscape PDF, ${size} bytes`)

    // -- drill-down and a document ----------------------------------------------------------
    // The group with the most orders (a drill of one document would prove little).
    const groups = page.locator(`${tid('report-table')} ${tid('report-row-group')}`)
    const counts = await groups.evaluateAll((rows) => rows.map((r) => Number(r.lastElementChild.innerText.trim())))
    const count = Math.max(...counts)
    const group = groups.nth(counts.indexOf(count))
    const [asked] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/reports/custom/run') && r.postDataJSON()?.groupings?.length === 0, { timeout: T }),
      group.click(),
    ])
    // The group's organisation goes back as its id (found through its lookup), state as its code.
    const drillFilters = asked.postDataJSON().filters
    assert.equal(drillFilters.find((f) => f.field === 'org')?.op, 'in', JSON.stringify(drillFilters))
    assert.match(String(drillFilters.find((f) => f.field === 'state')?.value), /^[a-z_]+$/, JSON.stringify(drillFilters))
    const drill = page.locator(tid('report-drill'))
    await drill.waitFor({ timeout: T })
    await settle(page)
    const docs = drill.locator(`${tid('report-drill-table')} ${tid('report-row-detail')}`)
    await docs.first().waitFor({ timeout: T })
    assert.equal(await docs.count(), count, 'the drill lists the documents the group counts')
    await shot(page, 'reports-drill-zh-tablet')
    const number = (await docs.first().locator('td').first().innerText()).trim()
    assert.match(number, /^WX-/, 'the first column is the order number')
    await docs.first().click()
    // The workspace opens a repair order where it shows one (headquarters' order page).
    await page.waitForURL(/\/(workspace\/repair-orders|hq\/orders)\/[0-9a-f-]{36}$/, { timeout: T })
    await page.getByText(number).first().waitFor({ timeout: T })
    ok(`drilled to ${count} documents; ${number} opened in the workspace`)
    assert.deepEqual(page.errors, [])
    await context.close()

    // -- desktop, English: the saved report from the index -----------------------------------
    const desk = await newContext(browser, DESKTOP)
    const p2 = desk.page
    await p2.goto(`${BASE_URL}/login`)
    await login(p2, 'hq.manager')
    await p2.locator(tid('menu-reports')).first().waitFor({ state: 'attached', timeout: T })
    await setLanguage(p2, 'en')
    await go(p2, '/reports')
    await p2.locator(tid('reports-page')).waitFor({ timeout: T })
    await settle(p2)
    await shot(p2, 'reports-index-en-desktop')
    await p2.locator(tid('reports-saved-mine')).filter({ hasText: NAME }).click()
    await p2.locator(tid('report-result')).waitFor({ timeout: T })
    await settle(p2)
    assert.equal((await p2.locator(`${tid('report-table')} ${tid('report-row-total')} td`).last().innerText()).trim(), String(total))
    assert.ok((await p2.locator(`${tid('report-table')} thead`).innerText()).includes('Count'), 'English column words')
    await shot(p2, 'reports-builder-en-desktop')
    ok('the saved report opens and runs again in English on a desktop')

    // Two groupings make a pivot: organisations down, states across; a cell drills to its orders.
    await p2.locator(tid('report-design-toggle')).click()
    await p2.locator(`${tid('report-grouping-2')} button`).last().click()
    await p2.locator(tid('report-run')).click()
    await settle(p2)
    await p2.locator(tid('report-view-pivot')).click()
    await p2.locator(tid('report-pivot')).waitFor({ timeout: T })
    await settle(p2)
    const pivotTotal = (await p2.locator(`${tid('report-pivot')} tr.total td`).last().innerText()).trim()
    assert.equal(pivotTotal, String(total), 'the pivot adds up to the same total')
    const cells = p2.locator(`${tid('report-pivot')} ${tid('report-pivot-cell')}.figure`)
    const cellCounts = await cells.evaluateAll((xs) => xs.map((x) => Number(x.innerText.trim())))
    const most = Math.max(...cellCounts)
    await shot(p2, 'reports-pivot-en-desktop')
    await cells.nth(cellCounts.indexOf(most)).click()
    const drill2 = p2.locator(tid('report-drill'))
    await drill2.waitFor({ timeout: T })
    await settle(p2)
    assert.equal(await drill2.locator(`${tid('report-drill-table')} ${tid('report-row-detail')}`).count(), most, 'a pivot cell drills to its orders')
    ok(`pivot: total ${pivotTotal}; a cell of ${most} drills to ${most} orders`)
    await p2.keyboard.press('Escape')
    await drill2.waitFor({ state: 'detached', timeout: T })

    // A filter through the workspace's lookup picker: one service point, its own orders only.
    const sz01Total = (await p2.locator(`${tid('report-pivot')} tbody tr`).filter({ hasText: '深圳福田服务中心' }).locator('td').last().innerText()).trim()
    await p2.locator(tid('report-add-filter')).click()
    await choose(p2, `${tid('report-filter-0')} ${tid('report-filter-field')}`, /^Service point$/)
    // Picked from the lookup's list once it has loaded (a pick while a search is in flight is lost).
    await p2.locator(`${tid('report-filter-0')} ${tid('report-filter-value')}`).click()
    await settle(p2)
    await p2.keyboard.press('Escape')
    await choose(p2, `${tid('report-filter-0')} ${tid('report-filter-value')}`, '深圳福田服务中心')
    await settle(p2)
    const picked = p2.locator(`${tid('report-filter-0')} .q-field`).filter({ has: p2.locator(tid('report-filter-value')) })
    assert.match(await picked.innerText(), /深圳福田服务中心/)
    await p2.locator(tid('report-run')).click()
    await settle(p2)
    await p2.locator(tid('report-pivot')).waitFor({ timeout: T })
    assert.equal((await p2.locator(`${tid('report-pivot')} tbody tr`).count()), 2, 'one service point and the total')
    assert.equal((await p2.locator(`${tid('report-pivot')} tr.total td`).last().innerText()).trim(), sz01Total)
    await shot(p2, 'reports-filtered-en-desktop')
    ok(`filtered to one service point through its lookup: ${sz01Total} orders`)

    // -- a fixed report: turnaround, a figure drilled to its orders, exported and printed --------
    await go(p2, '/reports')
    await p2.locator(tid('reports-fixed-turnaround')).click()
    await p2.locator(tid('fixed-result')).waitFor({ timeout: T })
    await settle(p2)
    const fixedRows = await p2.locator(tid('fixed-row')).count()
    assert.ok(fixedRows > 0, 'the turnaround report has rows')
    // The server's own figures for the same filters: the table shows them.
    const fixed = await hq('POST', '/api/reports/fixed/turnaround/run', { filters: {} })
    assert.equal(fixedRows, fixed.rows.length)
    const figureCols = fixed.columns.map((c) => c.key)
    const [col, cellValue] = (() => {
      for (const key of figureCols) {
        const v = Number(fixed.total.cells[key])
        if (fixed.total.drill?.[key] && Number.isInteger(v) && v > 1) return [key, v]
      }
      return [null, 0]
    })()
    assert.ok(col, `a total figure with a drill: ${JSON.stringify(fixed.total)}`)
    await shot(p2, 'reports-fixed-turnaround-en-desktop')
    await p2.locator(`${tid('fixed-total')} td`).nth(figureCols.indexOf(col)).click()
    const drill3 = p2.locator(tid('report-drill'))
    await drill3.waitFor({ timeout: T })
    await settle(p2)
    assert.equal(await drill3.locator(`${tid('report-drill-table')} ${tid('report-row-detail')}`).count(), cellValue, `the ${col} total drills to its ${cellValue} orders`)
    await shot(p2, 'reports-fixed-drill-en-desktop')
    await p2.keyboard.press('Escape')
    await drill3.waitFor({ state: 'detached', timeout: T })
    const [fixedDownload] = await Promise.all([p2.waitForEvent('download', { timeout: T }), p2.locator(tid('fixed-export')).click()])
    assert.match(fixedDownload.suggestedFilename(), /\.xlsx$/)
    desk.context.on('page', (pp) => pp.close().catch(() => {}))
    const [fixedPrint] = await Promise.all([
      p2.waitForResponse((r) => r.url().includes('/api/reports/fixed/turnaround/print'), { timeout: 60_000 }),
      p2.locator(tid('fixed-print')).click(),
    ])
    assert.equal(fixedPrint.headers()['content-type'], 'application/pdf')
    ok(`fixed report turnaround: ${fixedRows} rows as the server's; the ${col} total of ${cellValue} drills to its orders; exported, printed`)
    assert.deepEqual(p2.errors, [])
    await desk.context.close()
  },
}
