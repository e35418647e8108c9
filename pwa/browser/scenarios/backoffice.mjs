// The back office: base data (search, edit, Excel import with a bad row, then a good file with
// upload progress, export), current stock with a filter, the ECharts dashboard, the offline
// message; hq.manager on a tablet (zh, then en), sz01.manager on a phone.
import assert from 'node:assert/strict'
import { crc32 } from 'node:zlib'
import { BASE_URL, PHONE, T, TABLET, apiAs, field, fontsReady, login, newContext, ok, setLanguage, shot, tid, withLuhn } from '../lib.mjs'

// -- data through the API (the demo has base data but no stock and no repair orders) ------------


const SIG = 'data:image/png;base64,iVBORw0KGgo='

/** Stock at SZ01 and GZ01 (posted receipts), repair orders at both points: some completed, one comeback. */
async function seed() {
  const hq = await apiAs('hq.manager')
  const parts = (await hq('GET', '/api/items?kind=part&page_size=6')).items
  const supplier = (await hq('GET', '/api/parties?role=supplier')).items[0]
  for (const [user, qtys] of [['sz01.warehouse', [12, 8, 5, 20]], ['gz01.manager', [6, 3]]]) {
    const call = await apiAs(user)
    const good = (await call('GET', '/api/warehouses?kind=good')).items[0]
    const doc = await call('POST', '/api/stock/goods-receipts', {
      kind: 'purchase', party_id: supplier.id, warehouse_id: good.id,
      lines: qtys.map((q, i) => ({ item_id: parts[i].id, quantity: String(q), unit_cost: String(40 + 15 * i) + '.00' })),
    })
    await call('POST', `/api/stock/goods-receipts/${doc.id}/post`)
  }

  const iw = (await hq('GET', '/api/warranty-statuses')).items.find((s) => s.rule === 'in_warranty')
  const tacs = (await hq('GET', '/api/tacs?page_size=3')).items
  const symptoms = (await hq('GET', '/api/fault-symptoms?page_size=5')).items
  const engineer = (await hq('GET', '/api/engineers')).items.find((e) => e.code.endsWith('SZ01'))
  const level = (await hq('GET', '/api/repair-levels?page_size=1')).items[0]
  const clerk = await apiAs('sz01.clerk')
  // gz01.manager, not gz01.clerk: the lockout scenario throttles the clerk's logins.
  const gzStaff = await apiAs('gz01.manager')
  const eng = await apiAs('sz01.engineer')
  const qc = await apiAs('sz01.qc')
  const stamp = String(Date.now()).slice(-4)
  const imei = (n) => withLuhn(tacs[n % tacs.length].code + stamp + String(n).padStart(2, '0'))
  const intake = (call, n, name) => call('POST', '/api/repair/orders', {
    customer_name: name, customer_phone: `1380013${String(1000 + n).slice(-4)}`, imei: imei(n),
    symptom_ids: [symptoms[n % symptoms.length].id], fault_description: '客户描述：' + symptoms[n % symptoms.length].name,
    warranty_status_id: iw.id, warranty_override_reason: '凭发票在保',
  })
  const fire = (call, id, event, body = {}) => call('POST', `/api/repair/orders/${id}/${event.replace(/_/g, '-')}`, body)
  const names = ['陈晓明', '李娜', '王强', '赵敏', '孙浩', '周婷', '吴磊']
  const sz = []
  for (let n = 0; n < 6; n++) sz.push((await intake(clerk, n, names[n])).order.id)
  for (const id of sz.slice(0, 4)) {
    await fire(eng, id, 'accept', { engineer_id: engineer.id })
    await fire(eng, id, 'start_repair')
    await fire(eng, id, 'finish_repair', { repair_level_id: level.id })
  }
  for (const id of sz.slice(0, 3)) {
    await fire(qc, id, 'qc_pass')
    await fire(clerk, id, 'pickup', { signature: SIG })
  }
  await fire(eng, sz[4], 'accept', { engineer_id: engineer.id })
  const comeback = await intake(clerk, 0, names[0]) // the first device again
  assert.equal(comeback.order.comeback_of_id, sz[0], 'a comeback of the first repair')
  for (let n = 10; n < 12; n++) await intake(gzStaff, n, names[n - 5])
}

// -- a minimal .xlsx (one sheet, inline strings) in a stored zip -----------------------------------

function zip(files) {
  const locals = []
  const centrals = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8')
    const nameBuf = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(0, 8)
    local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBuf.length, 26); local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(0, 10); central.writeUInt32LE(0, 12); central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42)
    locals.push(local, nameBuf, data)
    centrals.push(central, nameBuf)
    offset += 30 + nameBuf.length + data.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(centrals.length / 2, 8); end.writeUInt16LE(centrals.length / 2, 10)
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function xlsx(rows) {
  const col = (i) => String.fromCharCode(65 + i)
  const sheetRows = rows.map((r, ri) => `<row r="${ri + 1}">${r.map((v, ci) => (v === '' || v === null ? '' : typeof v === 'number'
    ? `<c r="${col(ci)}${ri + 1}"><v>${v}</v></c>`
    : `<c r="${col(ci)}${ri + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)).join('')}</row>`).join('')
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="items" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  })
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const HEADER = ['code', 'name', 'kind', 'brand_code', 'model_code', 'unit', 'barcode', 'serialized', 'standard_cost', 'retail_price', 'wholesale_price', 'repair_price', 'active']

/** Canvas pixels that are not blank (a chart really drew). */
async function chartDrawn(page, testId) {
  const canvas = page.locator(`${tid(testId)} canvas`).first()
  await canvas.waitFor({ timeout: T })
  await page.waitForTimeout(700) // the entry animation
  return canvas.evaluate((c) => {
    const ctx = c.getContext('2d')
    const { data } = ctx.getImageData(0, 0, c.width, c.height)
    let painted = 0
    for (let i = 3; i < data.length; i += 16) if (data[i] > 0) painted++
    return painted
  })
}

async function pickOption(page, selectTestId, text) {
  await page.locator(tid(selectTestId)).click()
  await page.locator('.q-menu .q-item').filter({ hasText: text }).first().click()
}

export const scenarios = {
  async backoffice(browser) {
    // Other scenarios on the same server take orders in too: the dashboard is checked against
    // what it said before plus what this scenario adds (9 orders, 3 completed; 7 of them at SZ01).
    const totals = async (user) => (await (await apiAs(user))('GET', '/api/reports/dashboard')).totals
    const before = { hq: await totals('hq.manager'), sz: await totals('sz01.manager') }
    await seed()
    ok('seeded stock and repair orders through the API')
    const intakeHq = String(before.hq.intake + 9)
    const completedHq = before.hq.completed + 3
    const intakeSz = String(before.sz.intake + 7)

    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'hq.manager')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    for (const key of ['boDashboard', 'boStock', 'boBaseData']) await page.locator(tid(`menu-${key}`)).waitFor({ timeout: T })
    ok('hq.manager sees the back-office menu')

    // -- base data (the document workspace): search, edit --------------------------------------
    await page.locator(tid('menu-boBaseData')).click()
    await page.locator(tid('ws-index-items')).click()
    await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    await field(page, 'ws-search').fill('电池')
    const table = page.locator(tid('ws-table'))
    // The search answers after its debounce and a round trip: wait for the filtered rows.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-test="ws-table"] tbody tr')].map((r) => r.innerText)
      return rows.length >= 2 && rows.every((t) => t.includes('电池'))
    }, null, { timeout: T }).catch(() => {})
    const names = await table.locator('tbody tr').allInnerTexts()
    assert.ok(names.length >= 2 && names.every((n) => n.includes('电池')), `search 电池: ${names.join(' / ')}`)
    await fontsReady(page)
    await shot(page, 'backoffice-01-items-search-zh-tablet')
    ok('items are searched by name')

    const firstCode = (await table.locator('tbody tr').first().locator('td').first().innerText()).trim()
    await table.locator('tbody tr').first().click()
    await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-action-edit')).click()
    await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
    await field(page, 'ws-field-retail_price').fill('188.80')
    await field(page, 'ws-field-name').fill(`${await field(page, 'ws-field-name').inputValue()}（新款）`)
    await shot(page, 'backoffice-02-item-edit-zh-tablet')
    await page.locator(tid('ws-save')).click()
    await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-value-name')).getByText('（新款）').waitFor({ timeout: T })
    assert.match(await page.locator(tid('ws-value-retail_price')).innerText(), /188\.80/)
    ok(`item ${firstCode} edited: new name and retail price shown`)

    // -- import: a bad file (every problem listed, nothing written), then a good one ------------
    await page.goBack()
    await page.goBack()
    await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    await field(page, 'ws-search').fill('')
    const model = (await (await apiAs('hq.manager'))('GET', '/api/models?page_size=1')).items[0]
    const bad = xlsx([HEADER,
      ['BO-IMP-001', '导入测试 屏幕总成', 'part', '', model.code, '个', '', 'false', 120, 0, 0, 299, 'true'],
      ['BO-IMP-002', '', 'gadget', '', 'NO-SUCH-MODEL', '', '', 'maybe', -5, 0, 0, 1, ''],
      ['BO-IMP-001', '重复行', 'part', '', '', '', '', '', 1, 0, 0, 1, '']])
    await page.locator(tid('ws-import')).click()
    const imp = page.locator(tid('bo-import-dialog'))
    await imp.waitFor({ timeout: T })
    await imp.locator('input[type=file]').setInputFiles({ name: 'items-bad.xlsx', mimeType: XLSX_MIME, buffer: bad })
    await page.locator(tid('bo-import-check')).click()
    await page.locator(tid('bo-import-errors-banner')).waitFor({ timeout: T })
    const errorTable = page.locator(tid('bo-import-error-table'))
    const errText = await errorTable.innerText()
    for (const want of ['NO-SUCH-MODEL', 'model_code', '须为以下之一', '与第 2 行重复', '不能为负数']) assert.ok(errText.includes(want), `error table shows ${want}: ${errText}`)
    assert.match(await page.locator(tid('bo-import-errors-banner')).innerText(), /2 行数据有问题，共 6 处/)
    await shot(page, 'backoffice-03-import-errors-zh-tablet')
    const hq = await apiAs('hq.manager')
    assert.equal((await hq('GET', '/api/items?q=BO-IMP')).total, 0, 'nothing imported')
    ok('the bad file: every bad row listed with row, column and reason; nothing imported')

    const good = xlsx([HEADER, ...Array.from({ length: 400 }, (_, i) => [`BO-IMP-${String(i + 1).padStart(3, '0')}`, `导入测试配件 ${i + 1} 号`, 'part', '', model.code, '个', '', 'false', 10 + i, 0, 0, 50 + i, 'true'])])
    await imp.locator('input[type=file]').setInputFiles({ name: 'items-good.xlsx', mimeType: XLSX_MIME, buffer: good })
    // The server checks all 400 rows before it answers: wait for that answer itself (bounded
    // generously for a busy machine), then for the dialog to show it.
    const checked = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/import'), { timeout: 180_000 })
    await page.locator(tid('bo-import-check')).click()
    assert.equal((await checked).status(), 200, 'the 400-row file checked')
    await page.locator(tid('bo-import-ready')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('bo-import-ready')).innerText(), /共 400 行，全部正确[\s\S]*新建 400 条/)
    await shot(page, 'backoffice-04-import-checked-zh-tablet')
    // A slow line, so that the upload's progress shows.
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: 1_000_000, uploadThroughput: Math.max(20_000, Math.round(good.length / 3)) })
    const imported = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/import'), { timeout: 180_000 })
    await page.locator(tid('bo-import-run')).click()
    const progress = page.locator(tid('bo-import-progress'))
    await progress.waitFor({ timeout: T })
    await page.waitForFunction(() => /上传… [1-9]\d?%/.test(document.querySelector('[data-test="bo-import-progress"]')?.innerText || ''), null, { timeout: T })
    await shot(page, 'backoffice-05-import-progress-zh-tablet')
    ok(`upload progress shown: ${(await progress.innerText()).split('\n')[0]}`)
    assert.equal((await imported).status(), 200, 'the 400 rows written')
    await page.locator(tid('bo-import-done')).waitFor({ timeout: T })
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
    assert.match(await page.locator(tid('bo-import-counts')).innerText(), /新建 400 条/)
    await shot(page, 'backoffice-06-import-done-zh-tablet')
    assert.equal((await hq('GET', '/api/items?q=BO-IMP')).total, 400)
    await page.locator(tid('bo-import-close')).click()
    ok('the good file: checked, then imported with progress; 400 created')

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.locator(tid('ws-export')).click()])
    assert.match(download.suggestedFilename(), /^items-\d{4}-\d\d-\d\d\.xlsx$/)
    ok(`export offers ${download.suggestedFilename()}`)

    await page.locator(tid('ws-tab-warehouses')).click()
    await page.waitForURL(/workspace\/warehouses/, { timeout: T })
    await table.locator('tbody tr').filter({ hasText: '良品' }).first().waitFor({ timeout: T })
    await shot(page, 'backoffice-07-warehouses-zh-tablet')
    ok('the same screen lists another kind (warehouses, with their point)')

    // -- current stock ------------------------------------------------------------------------
    await page.locator(tid('menu-boStock')).click()
    const stock = page.locator(tid('bo-stock-table'))
    await stock.locator('tbody tr').first().waitFor({ timeout: T })
    // The demo's trade documents hold stock too: the screen is checked against the server's own answer.
    const hqApi = await apiAs('hq.manager')
    const all = await hqApi('GET', '/api/stock/current?page_size=20')
    assert.ok(all.total >= 6, 'the six seeded stock lines at two points, and the demo\'s')
    assert.equal(await stock.locator('tbody tr').count(), Math.min(all.total, 20), 'every line of the first page')
    const sz01 = (await hqApi('GET', '/api/organisations?q=SZ01')).items.find((o) => o.code === 'SZ01')
    const own = await hqApi('GET', `/api/stock/current?page_size=20&org_id=${sz01.id}`)
    assert.ok(own.total >= 4 && own.total < all.total)
    await pickOption(page, 'bo-stock-org', 'SZ01')
    await page.waitForFunction((n) => document.querySelectorAll('[data-test="bo-stock-table"] tbody tr').length === n, Math.min(own.total, 20), { timeout: T })
    assert.equal(Number((await page.locator(tid('bo-stock-total-qty')).innerText()).replace(/,/g, '')), Number(own.totals.quantity))
    await shot(page, 'backoffice-08-stock-sz01-zh-tablet')
    ok(`current stock filtered to SZ01: ${own.total} lines, ${Number(own.totals.quantity)} pieces, as the server counts`)

    // -- dashboard ------------------------------------------------------------------------------
    await page.locator(tid('menu-boDashboard')).click()
    await page.locator(tid('bo-kpi-intake')).getByText(intakeHq, { exact: true }).waitFor({ timeout: T })
    for (const chart of ['bo-chart-states', 'bo-chart-turnaround', 'bo-chart-comebacks']) {
      const painted = await chartDrawn(page, chart)
      assert.ok(painted > 200, `${chart} drew (${painted} painted samples)`)
    }
    assert.match(await page.locator(tid('bo-kpi-completed')).innerText(), new RegExp(`\\b${completedHq}\\b`))
    await fontsReady(page)
    await shot(page, 'backoffice-09-dashboard-zh-tablet')
    await page.mouse.wheel(0, 600)
    await page.waitForTimeout(400)
    await shot(page, 'backoffice-10-dashboard-lower-zh-tablet')
    ok(`dashboard: ${intakeHq} orders taken in, ${completedHq} completed, charts drawn`)

    await setLanguage(page, 'en')
    await page.locator(tid('bo-kpi-intake')).getByText('Taken in').waitFor({ timeout: T })
    await page.mouse.wheel(0, -2000)
    await page.waitForTimeout(800)
    await shot(page, 'backoffice-11-dashboard-en-tablet')
    await setLanguage(page, 'zh-CN')
    ok('dashboard in English')

    await context.setOffline(true)
    await page.locator(tid('bo-offline')).waitFor({ timeout: T })
    await shot(page, 'backoffice-12-offline-zh-tablet')
    await context.setOffline(false)
    await page.locator(tid('bo-chart-states')).waitFor({ timeout: T })
    ok('offline: a clear message; back online: the dashboard again')
    assert.deepEqual(page.errors, [])
    await context.close()

    // -- a point manager on a phone ----------------------------------------------------------------
    const phone = await newContext(browser, PHONE)
    const p = phone.page
    await p.goto(BASE_URL + '/login')
    await login(p, 'sz01.manager')
    await p.locator(tid('home-page')).waitFor({ timeout: T })
    await p.goto(BASE_URL + '/backoffice/dashboard')
    await p.locator(tid('bo-kpi-intake')).getByText(intakeSz, { exact: true }).waitFor({ timeout: T })
    assert.ok(await chartDrawn(p, 'bo-chart-states') > 100)
    assert.equal(await p.locator(tid('bo-dashboard-org')).count(), 0, 'a point has no organisation filter')
    await shot(p, 'backoffice-13-dashboard-zh-phone')
    await p.goto(BASE_URL + '/backoffice/stock')
    await p.locator(`${tid('bo-stock-table')} .list-card`).first().waitFor({ timeout: T })
    const mine = await (await apiAs('sz01.manager'))('GET', '/api/stock/current?page_size=20')
    assert.equal(mine.total, own.total, 'a point sees its own stock only')
    await p.waitForFunction((n) => document.querySelectorAll('[data-test="bo-stock-table"] .list-card').length === n, Math.min(mine.total, 20), { timeout: T })
    await shot(p, 'backoffice-14-stock-zh-phone')
    await p.goto(BASE_URL + '/backoffice/basedata/items') // the old address leads to the workspace's list
    await p.locator(`${tid('ws-table')} .list-card`).first().waitFor({ timeout: T })
    assert.equal(await p.locator(tid('ws-import')).count(), 0, 'a point manager does not import network-wide items')
    await shot(p, 'backoffice-15-items-zh-phone')
    ok('sz01.manager on a phone: own numbers, own stock, items read-only')
    assert.deepEqual(p.errors, [])
    await phone.context.close()
  },
}
