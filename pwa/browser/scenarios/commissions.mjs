// Technician commissions (issue 19 §8) and several payers per job (§7): headquarters' manager sets a
// commission rule in the workspace's form (base data: the SZ01 engineer's grade, for one repair level,
// 10 % of the labour + ¥8.88); an out-of-warranty repair is then completed and paid at SZ01 (through
// the repair REST, as the counter's tablets would); the repair order's screen shows who paid and the
// job's margin with the commission; the engineer's monthly statement shows the commission for that
// order, and prints (the server's A4 PDF). Then a second job is split before pickup on the order's
// screen (¥10 on the demo's insurer): after pickup the customer paid only their share and the
// insurer's share is its open item. Checked against REST at each step. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, choose, field, fontsReady, login, newContext, ok, requestsIdle, shot, T, TABLET, tid, withLuhn } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }
const SIG = 'data:image/png;base64,iVBORw0KGgo='

async function settle(page) {
  await requestsIdle(page)
  await page.mouse.move(2, 2)
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: 3_000 }).catch(() => {})
  await fontsReady(page)
}

const cents = (v) => Math.round(Number(v) * 100)
const shown = (c) => (c / 100).toLocaleString('en', { minimumFractionDigits: 2 })

/** An out-of-warranty repair at SZ01 by `engineer`: quoted (labour of `level`), accepted, repaired and
 *  QC-passed: waiting for pickup. */
async function readyForPickup(engineer, level) {
  const clerk = await apiAs('sz01.clerk')
  const eng = await apiAs('sz01.engineer')
  const qc = await apiAs('sz01.qc')
  const oow = (await clerk('GET', '/api/warranty-statuses')).items.find((s) => s.rule === 'out_of_warranty')
  const tac = (await clerk('GET', '/api/tacs?page_size=5')).items[0]
  const symptom = (await clerk('GET', '/api/fault-symptoms?page_size=1')).items[0]
  const stamp = String(Date.now())
  const { order } = await clerk('POST', '/api/repair/orders', {
    customer_name: '钱志远', customer_phone: `1371234${stamp.slice(-4)}`,
    imei: withLuhn(tac.code + stamp.slice(-6)), symptom_ids: [symptom.id], fault_description: '充电口接触不良',
    warranty_status_id: oow.id, warranty_override_reason: '已过保修期',
  })
  assert.ok(order?.id, 'the repair taken in')
  const fire = async (call, event, body = {}) => {
    const answer = await call('POST', `/api/repair/orders/${order.id}/${event.replace(/_/g, '-')}`, body)
    assert.ok(answer.order, `${event}: ${JSON.stringify(answer)}`)
    return answer
  }
  await fire(eng, 'accept', { engineer_id: engineer.id })
  const q = await eng('POST', `/api/repair/orders/${order.id}/quotations`, { lines: [{ kind: 'labour', repair_level_id: level.id }] })
  assert.ok(q.id, `quotation: ${JSON.stringify(q)}`)
  await eng('POST', `/api/repair/orders/${order.id}/quotations/${q.id}/decision`, { accepted: true, signature: SIG })
  await fire(eng, 'start_repair')
  await fire(eng, 'finish_repair', { repair_level_id: level.id })
  await fire(qc, 'qc_pass')
  return order
}

/** 取机: the bill (the customer's share of it) paid into the counter's account. */
async function pickUp(order) {
  const clerk = await apiAs('sz01.clerk')
  const [account] = await clerk('GET', '/api/repair/counter-accounts')
  const done = await clerk('POST', `/api/repair/orders/${order.id}/pickup`, { signature: SIG, account_id: account.id })
  assert.equal(done.order?.state, 'completed', JSON.stringify(done))
  return { order: done.order, settlement: done.payments.find((p) => p.kind === 'settlement') }
}

/** An out-of-warranty repair completed and paid. */
async function repairCompletedAndPaid(engineer, level) {
  const made = await pickUp(await readyForPickup(engineer, level))
  assert.equal(made.settlement.amount, level.labour_charge, 'the customer paid the labour')
  return made
}

export const scenarios = {
  async commissions(browser) {
    const hq = await apiAs('hq.manager')
    const engineer = (await hq('GET', '/api/engineers?page_size=200')).items.find((e) => e.code.endsWith('SZ01') && e.active)
    const level = (await hq('GET', '/api/repair-levels?page_size=50')).items.find((l) => l.active && Number(l.labour_charge) > 10)
    assert.ok(engineer && level, 'the demo has an SZ01 engineer and a chargeable repair level')
    const code = `CM${String(Date.now()).slice(-6)}`
    let made = null
    const { context, page } = await newContext(browser, DESKTOP)
    try {
      await page.goto(`${BASE_URL}/login`)
      await login(page, 'hq.manager')
      await page.locator(tid('menu-commissions')).waitFor({ timeout: T })

      // -- the manager sets a rule: the engineer's grade, this level, 10 % of the labour + ¥8.88 ------
      await page.locator(tid('menu-commissionRules')).click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-new')).click()
      await page.locator(tid('ws-form-page')).waitFor({ timeout: T })
      await field(page, 'ws-field-code').fill(code)
      await field(page, 'ws-field-name').fill(`${engineer.grade} 级工程师 · ${level.name}`)
      await choose(page, 'ws-field-scope', '按工程师级别')
      await field(page, 'ws-field-grade').fill(String(engineer.grade))
      await choose(page, 'ws-field-repair_level_id', level.name)
      await field(page, 'ws-field-rate_percent').fill('10')
      await field(page, 'ws-field-fixed_amount').fill('8.88')
      await settle(page)
      await shot(page, 'commissions-01-rule-form')
      const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/commission-rules', { timeout: T })
      await page.locator(tid('ws-save')).click()
      const resp = await created
      assert.equal(resp.status(), 201, `the rule saved: ${await resp.text()}`)
      const rule = await resp.json()
      assert.deepEqual([rule.scope, rule.grade, rule.repair_level_id, rule.rate_percent, rule.fixed_amount],
        ['grade', engineer.grade, level.id, '10.00', '8.88'])
      await page.locator(tid('ws-document-page')).waitFor({ timeout: T })
      ok(`rule ${code} set by hq.manager: grade ${engineer.grade}, ${level.name}, 10 % + ¥8.88`)

      // -- a repair completed and paid at SZ01 -------------------------------------------------------
      const { order, settlement } = await repairCompletedAndPaid(engineer, level)
      const expected = Math.round(cents(level.labour_charge) * 10 / 100) + 888
      made = { order, expected }
      const month = settlement.doc_date.slice(0, 7)
      const statement = await hq('GET', `/api/commissions/statement?engineer_id=${engineer.id}&month=${month}`)
      const line = statement.lines.find((l) => l.order_number === order.number)
      assert.ok(line, 'the statement has the order')
      assert.deepEqual([line.rule_code, line.line_kind, cents(line.amount)], [code, 'labour', expected])
      ok(`${order.number} completed and paid (${settlement.number}): ¥${shown(expected)} earned by ${engineer.name}`)

      // -- the statement on screen: the month's engineers, then this one's lines; printed --------------
      await page.locator(tid('menu-commissions')).click()
      await page.locator(tid('commissions-page')).waitFor({ timeout: T })
      const row = page.locator(`${tid('commissions-summary')} tbody tr`).filter({ hasText: engineer.name }).first()
      await row.waitFor({ timeout: T })
      await row.click()
      await page.locator(tid('commission-statement')).waitFor({ timeout: T })
      const lineRow = page.locator(`${tid('commission-lines')} tbody tr`).filter({ hasText: order.number })
      await lineRow.waitFor({ timeout: T })
      assert.match(await lineRow.innerText(), new RegExp(`${code}[\\s\\S]*${shown(expected).replace('.', '\\.')}`))
      await page.locator(tid('commission-total')).filter({ hasText: shown(cents(statement.total)) }).waitFor({ timeout: T })
      await settle(page)
      await shot(page, 'commissions-02-statement')
      const printed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/commissions/statement/print', { timeout: 30_000 })
      const popup = page.waitForEvent('popup', { timeout: 30_000 }).catch(() => null)
      await page.locator(tid('commission-print')).click()
      const pdf = await printed
      assert.equal(pdf.status(), 200)
      assert.match(pdf.headers()['content-type'] || '', /application\/pdf/)
      const opened = await popup
      if (opened) await opened.close()
      ok(`the ${month} statement of ${engineer.name} shows ¥${shown(expected)} for ${order.number} and prints (the server's PDF)`)
      assert.deepEqual(page.errors, [])
    } finally {
      await context.close()
    }

    // -- the repair order's screen: who paid, and the job's margin after the commission ----------------
    const tablet = await newContext(browser, TABLET)
    try {
      const p = tablet.page
      const manager = await apiAs('sz01.manager')
      const payers = await manager('GET', `/api/repair/orders/${made.order.id}/payers`)
      assert.equal(payers.margin.commission_estimated, false)
      assert.equal(cents(payers.margin.commission), made.expected, 'the margin counts the commission earned')
      assert.equal(cents(payers.margin.margin), cents(payers.margin.revenue) - cents(payers.margin.parts_cost) - made.expected)
      await p.goto(`${BASE_URL}/login`)
      await login(p, 'sz01.manager')
      await p.locator(tid('home-page')).waitFor({ timeout: T })
      await p.goto(`${BASE_URL}/hq/orders/${made.order.id}`)
      await p.locator(tid('order-payers')).waitFor({ timeout: T })
      await p.locator(`${tid('payers-table')} ${tid('payer-customer')}`).filter({ hasText: shown(cents(payers.payers[0].total)) }).waitFor({ timeout: T })
      await p.locator(tid('payers-margin-value')).filter({ hasText: shown(Math.abs(cents(payers.margin.margin))) }).waitFor({ timeout: T })
      await p.locator(tid('order-payers')).scrollIntoViewIfNeeded()
      await settle(p)
      await shot(p, 'commissions-03-order-payers-margin')
      ok(`the order's screen: the customer paid ¥${payers.payers[0].total}; margin ¥${payers.margin.margin} after ¥${payers.margin.commission} commission`)

      // -- several payers (§7): a second job split before pickup, ¥10 of it on the insurer -------------
      const insurer = (await manager('GET', '/api/parties?role=insurer&page_size=20')).items[0]
      assert.ok(insurer, 'the demo has an insurer')
      const second = await readyForPickup(engineer, level)
      await p.goto(`${BASE_URL}/hq/orders/${second.id}`)
      await p.locator(tid('payers-edit')).click()
      await p.locator(tid('payers-dialog')).waitFor({ timeout: T })
      await field(p, 'payers-amount-0').fill(shown(cents(level.labour_charge) - 1000).replace(/,/g, ''))
      await p.locator(tid('payers-add')).click()
      await choose(p, 'payers-party-1', insurer.name)
      await field(p, 'payers-amount-1').fill('10.00')
      await settle(p)
      await shot(p, 'commissions-04-split-dialog')
      const saved = p.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === `/api/repair/orders/${second.id}/payers`, { timeout: T })
      await p.locator(tid('payers-save')).click()
      assert.equal((await saved).status(), 200)
      await p.locator(tid('payer-insurer')).filter({ hasText: '10.00' }).waitFor({ timeout: T })
      const paid = await pickUp(second)
      assert.equal(cents(paid.settlement.amount), cents(level.labour_charge) - 1000, 'the customer paid their share only')
      const split = await manager('GET', `/api/repair/orders/${second.id}/payers`)
      const ins = split.payers.find((x) => x.payer === 'insurer')
      assert.deepEqual([ins.party_id, ins.total, ins.open], [insurer.id, '10.00', '10.00'], 'the insurer owes its share')
      const open = await (await apiAs('sz01.finance'))('GET', `/api/finance/open-items?org_id=${made.order.org_id}&counterparty_kind=party&counterparty_id=${insurer.id}&direction=receivable`)
      assert.ok(open.items.some((i) => i.document_number === paid.settlement.number && i.open === '10.00'), 'an open item of the insurer')
      await p.reload()
      await p.locator(tid('payer-insurer')).filter({ hasText: '10.00' }).waitFor({ timeout: T })
      await p.locator(tid('order-payers')).scrollIntoViewIfNeeded()
      await settle(p)
      await shot(p, 'commissions-05-split-settled')
      ok(`${second.number}: the customer paid ¥${paid.settlement.amount}, ${insurer.name} owes ¥10.00 (open item on ${paid.settlement.number})`)
      assert.deepEqual(p.errors, [])
    } finally {
      await tablet.context.close()
    }
  },
}
