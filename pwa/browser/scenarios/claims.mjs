// Labour-fee claims (issue 19 §3, spec §10.7): sz01.finance builds a claim in the workspace (the
// manufacturer of the demo's in-warranty repairs, this year), sees its lines, submits it, imports the
// manufacturer's answer (an Excel file: first one with a bad row — refused, the row named, nothing
// changed — then the good one: one line cut, the rest accepted), sees the claim answered and prints
// it. Tablet, zh-CN. No console error.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { apiAs, ARTIFACTS, BASE_URL, field, fontsReady, login, newContext, ok, PASSWORD, settle, shot, T, TABLET, tid } from '../lib.mjs'

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

async function pick(page, testId, text, optionText = text) {
  const input = field(page, testId)
  await input.click()
  await input.fill(text)
  const option = page.locator('.q-menu .q-item').filter({ hasText: optionText }).first()
  await option.waitFor({ timeout: T })
  await option.click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

/** A one-sheet .xlsx (inline strings, stored zip entries): the manufacturer's answer file. */
function xlsx(rows) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const col = (i) => String.fromCharCode(65 + i)
  const sheet = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${
    rows.map((r, n) => `<row r="${n + 1}">${r.map((v, i) => (v === null || v === undefined || v === '' ? '' : `<c r="${col(i)}${n + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`)).join('')}</row>`).join('')
  }</sheetData></worksheet>`
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="回复" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': sheet,
  }
  const parts = []
  const central = []
  let offset = 0
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8')
    const nameBuf = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6)
    local.writeUInt32LE(crc >>> 0, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBuf.length, 26)
    const head = Buffer.alloc(46)
    head.writeUInt32LE(0x02014b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(20, 6); head.writeUInt16LE(0x0800, 8)
    head.writeUInt32LE(crc >>> 0, 16); head.writeUInt32LE(data.length, 20); head.writeUInt32LE(data.length, 24)
    head.writeUInt16LE(nameBuf.length, 28); head.writeUInt32LE(offset, 42)
    parts.push(local, nameBuf, data)
    central.push(head, nameBuf)
    offset += 30 + nameBuf.length + data.length
  }
  const dir = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10)
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, dir, end])
}

async function pdfOf(path) {
  const r = await fetch(`${BASE_URL}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'sz01.finance', password: PASSWORD }) })
  const { access_token: token } = await r.json()
  const resp = await fetch(BASE_URL + path, { headers: { Authorization: `Bearer ${token}` } })
  assert.equal(resp.status, 200)
  return Buffer.from(await resp.arrayBuffer())
}

export const scenarios = {
  async claims(browser) {
    const call = await apiAs('sz01.finance')
    const makers = (await call('GET', '/api/parties?page_size=200')).items.filter((p) => (p.roles || []).includes('manufacturer'))
    const balances = (await call('GET', '/api/finance/counterparty-balances?direction=receivable&nonzero=true&counterparty_kind=party')).items
    const maker = makers.find((m) => balances.some((b) => b.counterparty_id === m.id))
    assert.ok(maker, 'demo data: a manufacturer owes SZ01 in-warranty labour fees')
    const year = new Date().getFullYear()

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    try {
      await page.goto(`${BASE_URL}/login`)
      await login(page, 'sz01.finance')
      await page.locator(tid('menu-ws-labour_claim')).waitFor({ timeout: T })
      ok('the back office lists 劳务费申报单 for sz01.finance')

      // Build: the workspace form (manufacturer, period) → the draft with its lines.
      await page.locator(tid('menu-ws-labour_claim')).click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-new')).click()
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await pick(page, 'ws-field-manufacturer_id', maker.name.slice(0, 2), maker.name)
      await field(page, 'ws-field-period_from').fill(`${year - 1}-01-01`)
      await field(page, 'ws-field-period_to').fill(`${year + 1}-12-31`)
      await settle(page)
      await shot(page, 'claims-01-build-form')
      await page.locator(tid('ws-save')).click()
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      const lines = page.locator(`${tid('ws-lines')} tbody tr:not(.q-table__bottom)`)
      await lines.first().waitFor({ timeout: T })
      const id = page.url().split('/').pop()
      let claim = await call('GET', `/api/claims/${id}`)
      assert.ok(claim.line_count >= 1 && claim.stage === 'draft', 'the draft holds the eligible lines')
      await settle(page)
      await shot(page, 'claims-02-draft')
      ok(`built a draft of ${claim.line_count} line(s), ¥${claim.claimed_total}`)

      // Submit.
      await page.locator(tid('ws-action-submit')).click()
      // The workspace asks first (an action without inputs): its OK button carries the action's label.
      const ask = page.locator('.q-dialog .q-card__actions .q-btn').filter({ hasText: '申报' })
      await ask.waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'claims-03-submit-ask')
      await ask.click()
      await page.locator('.q-dialog').waitFor({ state: 'detached', timeout: T }).catch(() => {})
      for (let i = 0; i < 30 && (claim = await call('GET', `/api/claims/${id}`)).stage !== 'submitted'; i++) await page.waitForTimeout(200)
      assert.equal(claim.stage, 'submitted')
      assert.match(claim.number, /^LW-SZ01-/)
      ok(`submitted as ${claim.number}`)

      // The answer page: a bad file first (a cut over the line), then the good one.
      await page.goto(`${BASE_URL}/claims/answer/${id}`)
      await page.locator(tid('claim-lines')).waitFor({ timeout: T })
      const header = ['行ID', 'IMEI', '维修单号', '结果', '核定金额', '原因']
      const rowOf = (l, i) => [l.id, l.imei, l.order_number, ...(i === 0 ? ['核减', String(Number(l.amount) / 2), '工时超标'] : ['通过', '', ''])]
      const bad = [header, ...claim.lines.map(rowOf)]
      bad[1] = [claim.lines[0].id, claim.lines[0].imei, claim.lines[0].order_number, '核减', String(Number(claim.lines[0].amount) + 10), '']
      const dir = tmpdir()
      writeFileSync(join(dir, 'claim-answer-bad.xlsx'), xlsx(bad))
      writeFileSync(join(dir, 'claim-answer.xlsx'), xlsx([header, ...claim.lines.map(rowOf)]))
      await page.locator(`input[type=file]${tid('claim-file')}, ${tid('claim-file')} input[type=file]`).first().setInputFiles(join(dir, 'claim-answer-bad.xlsx'))
      await page.locator(tid('claim-upload')).click()
      await page.locator(tid('claim-bad-rows')).waitFor({ timeout: T })
      assert.match(await page.locator(tid('claim-bad-rows')).innerText(), /第 2 行 accepted_amount/)
      assert.equal((await call('GET', `/api/claims/${id}`)).lines.filter((l) => l.result).length, 0, 'nothing changed')
      await settle(page)
      await shot(page, 'claims-04-answer-refused')
      ok('a bad answer file is refused with its row and column named, nothing changed')

      await page.locator(`input[type=file]${tid('claim-file')}, ${tid('claim-file')} input[type=file]`).first().setInputFiles(join(dir, 'claim-answer.xlsx'))
      await page.locator(tid('claim-upload')).click()
      await page.locator(tid('claim-imported')).waitFor({ timeout: T })
      claim = await call('GET', `/api/claims/${id}`)
      assert.equal(claim.stage, 'answered')
      assert.equal(claim.lines[0].result, 'cut')
      await page.locator(tid('claim-result-0')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'claims-05-answered')
      ok(`answered from the Excel file: accepted ¥${claim.accepted_total} of ¥${claim.claimed_total}`)

      // Print: the workspace document's A4 claim.
      await page.goto(`${BASE_URL}/workspace/labour_claim/${id}`)
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-print')).waitFor({ timeout: T })
      const pdf = await pdfOf(`/api/print/labour-claim/${id}?format=pdf&paper=a4`)
      assert.equal(pdf.subarray(0, 4).toString(), '%PDF', 'the A4 claim prints as PDF')
      writeFileSync(join(ARTIFACTS, 'claims-labour-claim.pdf'), pdf)
      await settle(page)
      await shot(page, 'claims-06-document-answered')
      ok('the answered claim in the workspace, with its print form')
      assert.deepEqual(consoleErrors, [])
    } finally {
      await context.close()
    }
  },
}
