// The registry walk (issue 16, acceptance): every document type and base-data kind the server
// exports (GET /api/meta/documents, as the administrator, who sees everything) renders its list,
// the detail of its first record and its create form in Chromium with no console error, and every
// print form in the export is offered on a document page and answers 200 with a PDF. Types are read
// from the export, never listed here: a type another module registers is walked too.
// One page, in-app navigation (no reloads), no fixed sleeps. Screenshots of the first entry of each
// family: zh-CN at tablet size, en at desktop size.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, demoImei, fontsReady, login, newContext, ok, setLanguage, settle, shot, T, TABLET, tid, withLuhn, go, businessDay } from '../lib.mjs'

const DESKTOP = { width: 1600, height: 960 }

/** The address of an area's own screen for the type (route ws-<key>-detail / -new), or null. */
async function ownScreen(page, key, what, id) {
  return page.evaluate(([name, id]) => {
    const router = document.querySelector('#app')?.__vue_app__?.config.globalProperties.$router
    return router && router.hasRoute(name) ? router.resolve({ name, params: id ? { id } : {} }).fullPath : null
  }, [`ws-${key}-${what}`, id])
}

/** The page now shown has drawn: the workspace's own (its data-path is the address), or an area's. */
async function landed(page, own, workspaceTestId, areaReady) {
  if (own) {
    await page.waitForFunction((p) => window.location.pathname === p, own, { timeout: T })
    await areaReady.area()
    return
  }
  await page.waitForFunction((id) => document.querySelector(`[data-test="${id}"]`)?.dataset.path === window.location.pathname,
    workspaceTestId, { timeout: T })
  await areaReady.workspace()
}

const listed = (entry) => (r) => r.request().method() === 'GET' && new URL(r.url()).pathname === entry.path

async function showList(page, entry) {
  const answered = page.waitForResponse(listed(entry), { timeout: T })
  await go(page, `/workspace/${entry.key}`)
  const resp = await answered
  assert.equal(resp.status(), 200, `${entry.key}: list ${resp.status()}`)
  await page.waitForFunction((p) => document.querySelector('[data-test="ws-list-page"]')?.dataset.path === p, `/workspace/${entry.key}`, { timeout: T })
  // The table has drawn the answer: its count says how many there are.
  const total = (await resp.json()).total
  await page.locator(tid('ws-total-count')).getByText(String(total), { exact: true }).waitFor({ timeout: T })
  return total
}

async function showDetail(page, entry, id) {
  if (new URL(page.url()).pathname === `/workspace/${entry.key}/${id}`) {
    // Just made through the form: already shown.
    await page.locator(`${tid('ws-document-page')} ${tid('ws-header')}`).waitFor({ timeout: T })
    return
  }
  const read = entry.read.replace('{id}', id)
  const answered = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === read, { timeout: T })
  const own = await ownScreen(page, entry.key, 'detail', id)
  await go(page, own || `/workspace/${entry.key}/${id}`)
  assert.equal((await answered).status(), 200, `${entry.key}: read ${id}`)
  await landed(page, own, 'ws-document-page', {
    workspace: () => page.locator(`${tid('ws-document-page')} ${tid('ws-header')}`).waitFor({ timeout: T }),
    // An area's record screen (the online order page, a user's): its title drawn.
    area: () => page.locator('.q-page[data-test]:not([data-test^="ws-"]) h1').first().waitFor({ timeout: T }),
  })
}

async function showForm(page, entry) {
  const own = await ownScreen(page, entry.key, 'new')
  await go(page, own || `/workspace/${entry.key}/new`)
  await landed(page, own, 'ws-form-page', {
    workspace: async () => {
      await page.locator(tid('ws-save')).waitFor({ timeout: T })
      const first = entry.fields.find((f) => f.type !== 'lines')
      if (first) await page.locator(tid(`ws-field-${first.name}`)).first().waitFor({ timeout: T })
    },
    // An area's own form (a new user's): its submit button drawn.
    area: () => page.locator('.q-page[data-test]:not([data-test^="ws-"]) button[type=submit]').first().waitFor({ timeout: T }),
  })
}

/** Every paper of every print form of the entry is offered on the document page; one request per form answers 200 with a PDF. */
async function checkPrints(page, entry, id, printed) {
  await page.locator(tid('ws-print')).click()
  for (const form of entry.prints) {
    for (const paper of form.papers) await page.locator(tid(`ws-print-${form.name}-${paper}`)).waitFor({ timeout: T })
  }
  await page.keyboard.press('Escape')
  for (const form of entry.prints) {
    const path = form.path.replace('{id}', id)
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === path, { timeout: 30_000 })
    await page.locator(tid('ws-print')).click()
    await page.locator(tid(`ws-print-${form.name}-${form.papers[0]}`)).click()
    const resp = await answered
    assert.equal(resp.status(), 200, `${entry.key}: print ${form.name} ${resp.status()}`)
    assert.match(resp.headers()['content-type'] || '', /application\/pdf/, `${entry.key}: print ${form.name} is a PDF`)
    printed.add(form.name)
  }
}

/** The fields a form shows for the entry's default kind (the first declaration naming it). */
function formFields(fields, kind) {
  const seen = new Set()
  return (fields || []).filter((f) => {
    if ((f.kinds?.length && !f.kinds.includes(kind)) || seen.has(f.name)) return false
    seen.add(f.name)
    return true
  })
}

async function firstOption(page, testId) {
  await page.locator(`${tid(testId)}`).first().click()
  const option = page.locator('.q-menu .q-item:not(.disabled)').filter({ hasNotText: /^…$/ }).first()
  await option.waitFor({ timeout: T })
  await option.click()
  await page.keyboard.press('Escape')
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

async function fill(page, f, testId) {
  if (f.lookup) await firstOption(page, testId)
  else if (f.choices && f.default === undefined) await firstOption(page, testId)
  else if (f.type === 'decimal' || f.type === 'int') await page.locator(`input${tid(testId)}, ${tid(testId)} input`).first().fill('1')
  else if (f.type === 'str' || f.type === 'text') await page.locator(`input${tid(testId)}, textarea${tid(testId)}, ${tid(testId)} input, ${tid(testId)} textarea`).first().fill(`REG${Date.now() % 100000}`)
}

/** A draft made through the form, every required field given its first choice: for a type with no
 *  record yet, so its document page (and its print forms) can be shown. The id, or null if refused. */
async function createDraft(page, entry) {
  await showForm(page, entry)
  const kind = entry.fields.find((f) => f.name === 'kind')?.default ?? entry.kinds[0]?.value ?? ''
  for (const f of formFields(entry.fields, kind).filter((x) => x.required && !x.filled && x.type !== 'lines' && x.name !== 'kind')) {
    await fill(page, f, `ws-field-${f.name}`)
  }
  for (const f of formFields(entry.lines?.fields, kind).filter((x) => x.required && !x.filled)) {
    await fill(page, f, `ws-line-0-${f.name}`)
  }
  const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === entry.path, { timeout: T })
  await page.locator(tid('ws-save')).click()
  const resp = await created
  if (resp.status() !== 201) return null
  const doc = await resp.json()
  await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
  return doc.id
}

/**
 * Records only their own flow makes (a loaner lent, a refund asked for, a distributor's batch, an
 * accessory taken in and sent to the factory), made at SZ01 through the same REST operations their
 * screens call, when the server holds none: so their print forms (loaner-slip, refund-receipt,
 * batch-acceptance, swap-intake-slip, swap-send-list, the exchange ticket and certificate, the transfer voucher, the labour claim) are reached like every other. A new family
 * whose records no form makes adds its own here.
 * Each entry's list is asked first; what exists already is used as it is.
 */
async function makeFlowRecords(call, meta) {
  const keys = ['repair_loaner', 'repair_refund', 'repair_batch', 'swap_intake', 'swap_send', 'exchange-orders', 'finance_transfer',
    'finance_opening', 'finance_reclass', 'labour_claim']
  const wanted = []
  for (const e of meta.documents.filter((d) => keys.includes(d.key) && d.prints.length)) {
    if (!(await call('GET', `${e.path}?page=1&page_size=1`)).total) wanted.push(e.key)
  }
  if (!wanted.length) return []
  if (wanted.includes('finance_transfer')) {
    // A transfer names two different accounts: the form's first choices would name one twice.
    const finance = await apiAs('sz01.finance')
    const own = (await finance('GET', '/api/finance/account-balances?page_size=50')).items.filter((a) => a.active)
    assert.ok(own.length >= 2, 'demo data: two money accounts at SZ01')
    const t = await finance('POST', '/api/finance/transfers', { from_account_id: own[0].id, to_account_id: own[1].id, amount: '1.00', reference: '走查' })
    await finance('POST', `/api/finance/transfers/${t.id}/post`, {})
  }
  if (wanted.includes('finance_opening') || wanted.includes('finance_reclass')) {
    // Drafts at SZ01 (a draft posts nothing): an opening balance sheet, a reclassification between two dealers.
    const finance = await apiAs('sz01.finance')
    if (wanted.includes('finance_opening')) {
      const account = (await finance('GET', '/api/money-accounts?page_size=5')).items.find((a) => a.active)
      await finance('POST', '/api/finance/openings', { lines: account ? [{ account_id: account.id, amount: '100.00', memo: '走查' }] : [] })
    }
    if (wanted.includes('finance_reclass')) {
      const [a, b] = (await finance('GET', '/api/parties?role=dealer&page_size=5')).items
      assert.ok(a && b, 'demo data: two dealers')
      await finance('POST', '/api/finance/reclasses', { kind: 'counterparty', direction: 'receivable', from_party_id: a.id, to_party_id: b.id,
        amount: '10.00', reason: '走查打印' })
    }
  }
  if (wanted.includes('labour_claim')) {
    // A claim is built from a manufacturer's claimable repairs: the form's first manufacturer may have none,
    // so the one the demo's in-warranty repairs are owed by is named (as the claims scenario does).
    const finance = await apiAs('sz01.finance')
    const makers = (await finance('GET', '/api/parties?page_size=200')).items.filter((p) => (p.roles || []).includes('manufacturer'))
    const owing = (await finance('GET', '/api/finance/counterparty-balances?direction=receivable&nonzero=true&counterparty_kind=party')).items
    const maker = makers.find((m) => owing.some((b) => b.counterparty_id === m.id))
    assert.ok(maker, 'demo data: a manufacturer owes SZ01 in-warranty labour fees')
    const year = Number(businessDay().slice(0, 4))
    const claim = await finance('POST', '/api/claims', { manufacturer_id: maker.id, period_from: `${year - 1}-01-01`, period_to: `${year + 1}-12-31` })
    assert.ok(claim.id, JSON.stringify(claim))
  }
  if (wanted.every((k) => k.startsWith('finance_') || k === 'labour_claim')) return wanted
  const clerk = await apiAs('sz01.clerk')
  const manager = await apiAs('sz01.manager')
  const accounts = await clerk('GET', '/api/repair/counter-accounts')
  let order = null
  if (wanted.includes('repair_loaner') || wanted.includes('repair_refund')) {
    const { imei } = await demoImei()
    order = (await clerk('POST', '/api/repair/orders', {
      customer_name: '登记走查', customer_phone: '13700000001', imei, fault_description: '走查打印', mode: 'A',
    })).order
    await clerk('POST', `/api/repair/orders/${order.id}/deposits`, { amount: '300.00', account_id: accounts[0].id })
  }
  if (wanted.includes('repair_loaner')) {
    // A loaner unit first: one serialized device received into SZ01's loaner warehouse.
    const loanWh = (await manager('GET', '/api/warehouses?kind=loaner')).items[0]
    const device = (await manager('GET', '/api/items?kind=device&page_size=5')).items.find((i) => i.serialized)
    const supplier = (await manager('GET', '/api/parties?role=supplier&page_size=5')).items[0]
    assert.ok(loanWh && device && supplier, 'demo data: a loaner warehouse, a serialized device, a supplier')
    const serial = withLuhn('86' + String(Date.now()).slice(-12))
    const receipt = await manager('POST', '/api/stock/goods-receipts', {
      kind: 'purchase', warehouse_id: loanWh.id, party_id: supplier.id,
      lines: [{ item_id: device.id, quantity: '1', unit_cost: '1800', serials: [serial] }],
    })
    await manager('POST', `/api/stock/goods-receipts/${receipt.id}/post`)
    const due = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10)
    await clerk('POST', `/api/repair/orders/${order.id}/loaners`, { serial, due_date: due, deposit: '200.00', account_id: accounts[0].id })
  }
  if (wanted.includes('repair_refund')) {
    await clerk('POST', `/api/repair/orders/${order.id}/refunds`, { amount: '50.00', account_id: accounts[0].id, reason: '走查：多收检测费' })
  }
  if (wanted.includes('repair_batch')) {
    const party = (await clerk('GET', '/api/parties?role=distributor&page_size=5')).items[0]
    assert.ok(party, 'demo data: a distributor')
    await clerk('POST', '/api/repair/batches', { party_id: party.id, contact_name: '走查', contact_phone: '13900000002' })
  }
  if (wanted.includes('swap_intake') || wanted.includes('swap_send')) {
    // A distributor's accessory taken in (附件受理), then sent to the factory (对换发厂).
    const party = (await manager('GET', '/api/parties?role=distributor&page_size=5')).items[0]
    const accessory = (await manager('GET', '/api/items?kind=accessory&page_size=20')).items.find((i) => !i.serialized)
    const maker = (await manager('GET', '/api/parties?role=manufacturer&page_size=5')).items[0]
    assert.ok(party && accessory && maker, 'demo data: a distributor, an accessory, a manufacturer')
    const intake = await manager('POST', '/api/swap/intakes', {
      party_id: party.id, contact_name: '走查', lines: [{ item_id: accessory.id, quantity: '1', fault: '走查：不充电' }],
    })
    if (wanted.includes('swap_send')) {
      await manager('POST', '/api/swap/sends', { manufacturer_id: maker.id, lines: [{ intake_line_id: intake.lines[0].id }] })
    }
  }
  if (wanted.includes('exchange-orders')) {
    // An exchange taken in (换机受理) by the manager, who may override the 三包 rules (no card here).
    const device = (await manager('GET', '/api/items?kind=device&page_size=5')).items.find((i) => i.serialized && i.model_id)
    assert.ok(device, 'demo data: a serialized device of a model')
    await manager('POST', '/api/exchange/orders', {
      customer_name: '登记走查', customer_phone: '13700000003', imei: withLuhn('35' + String(Date.now()).slice(-12)),
      model_id: device.model_id, fault_description: '走查：不开机', mode: 'B', override_reason: '走查打印',
    })
  }
  return wanted
}

export const scenarios = {
  async registry(browser) {
    const started = Date.now()
    const call = await apiAs('admin')
    const meta = await call('GET', '/api/meta/documents')
    const entries = [...meta.documents, ...meta.kinds]
    assert.ok(meta.documents.length && meta.kinds.length, 'the export describes documents and base-data kinds')
    const allForms = new Set(entries.flatMap((e) => e.prints.map((f) => f.name)))
    const made = await makeFlowRecords(call, meta)
    if (made.length) ok(`made through the desk's REST operations (the server held none): ${made.join(', ')}`)

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = []
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(`${page.url()}: ${m.text()}`)
    })
    // A printed form opens in a new tab: the answer was checked, the tab is closed.
    context.on('page', (p) => { p.close().catch(() => {}) })
    await page.goto(BASE_URL + '/login')
    await login(page, 'admin')
    await page.locator(tid('home-page')).waitFor({ timeout: T })

    // The first entry of each family is photographed (zh-CN, tablet; again in en at desktop size below).
    const families = new Map()
    for (const e of entries) if (!families.has(e.family)) families.set(e.family, e)
    const firstIds = {}
    const printed = new Set()
    const empty = []
    const created = []
    let imeiOpened = null
    for (const entry of entries) {
      const shoot = families.get(entry.family) === entry
      const total = await showList(page, entry)
      // Every base-data kind's list is photographed once.
      if (shoot || entry.family === 'basedata') {
        await settle(page)
        await shot(page, `registry-${entry.key}-list-zh-tablet`)
      }
      // A list without a record page (a log) has no detail to show.
      let first = total && entry.read ? (await call('GET', `${entry.path}?page=1&page_size=1`)).items[0] : null
      if (!first && entry.read && entry.prints.length && entry.actions.some((a) => a.name === 'create')) {
        const id = await createDraft(page, entry)
        if (id) {
          first = { id }
          created.push(entry.key)
        }
      }
      if (first) {
        firstIds[entry.key] = first.id
        await showDetail(page, entry, first.id)
        if (entry.prints.length) await checkPrints(page, entry, first.id, printed)
        // A serial on a document opens the unit's IMEI timeline (once, on the first document showing one).
        if (!imeiOpened && (await page.locator(tid('ws-imei-link')).count())) {
          const serial = (await page.locator(tid('ws-imei-link')).first().innerText()).trim()
          await page.locator(tid('ws-imei-link')).first().click()
          await page.locator(tid('hq-imei-page')).waitFor({ timeout: T })
          assert.ok(decodeURIComponent(page.url()).endsWith(`/imei/${serial}`), page.url())
          imeiOpened = `${entry.key}: ${serial}`
          await showDetail(page, entry, first.id)
        }
        if (shoot) {
          await settle(page)
          await shot(page, `registry-${entry.key}-detail-zh-tablet`)
        }
      } else if (entry.read) {
        empty.push(entry.key)
      }
      if (entry.actions.some((a) => a.name === 'create')) {
        await showForm(page, entry)
        if (shoot) {
          await settle(page)
          await shot(page, `registry-${entry.key}-form-zh-tablet`)
        }
      }
      assert.deepEqual(consoleErrors, [], `${entry.key}: no console error`)
    }
    assert.ok(imeiOpened, 'no document showed a serial linking to its IMEI timeline')
    ok(`a document's serial opens its IMEI timeline (${imeiOpened})`)
    ok(`${entries.length} entries walked (${meta.documents.length} document types, ${meta.kinds.length} base-data kinds): list, detail, form; no console error`)
    if (created.length) ok(`a draft made through the form (no record yet, print forms to show): ${created.join(', ')}`)
    if (empty.length) ok(`no record yet, detail not shown: ${empty.join(', ')}`)

    // Every print form in the export was offered on a document page of its type and printed.
    const missing = [...allForms].filter((f) => !printed.has(f))
    assert.deepEqual(missing, [], `print forms not reached from a document page: ${missing.join(', ')}`)
    ok(`all ${printed.size} print forms in the export offered on their documents' pages, each answering a PDF: ${[...printed].join(', ')}`)

    // The same screens of each family's first entry in English at desktop size (zh-CN at tablet size
    // was taken during the walk): both languages and both layouts are seen.
    for (const [lang, size, viewport] of [['en', 'desktop', DESKTOP]]) {
      await page.setViewportSize(viewport)
      if (lang === 'en') await setLanguage(page, 'en')
      for (const entry of families.values()) {
        await showList(page, entry)
        await settle(page)
        await shot(page, `registry-${entry.key}-list-${lang}-${size}`)
        if (firstIds[entry.key]) {
          await showDetail(page, entry, firstIds[entry.key])
          await settle(page)
          await shot(page, `registry-${entry.key}-detail-${lang}-${size}`)
        }
        if (entry.actions.some((a) => a.name === 'create')) {
          await showForm(page, entry)
          await settle(page)
          await shot(page, `registry-${entry.key}-form-${lang}-${size}`)
        }
      }
    }
    ok(`the first entry of each family (${[...families.keys()].join(', ')}): list, detail and form in zh-CN at tablet size and in en at desktop size`)
    assert.deepEqual(page.errors, [])
    assert.deepEqual(consoleErrors, [])
    await context.close()
    ok(`registry walk took ${Math.round((Date.now() - started) / 1000)} s`)
  },
}
