// An accessory swap round trip with a shortfall from the factory (issue 17 §6–§7): sz01.clerk on a
// zh-CN tablet takes in a distributor's three chargers OFFLINE (serials scanned with Enter, the sale
// date giving the rule's verdict) — 已保存在本机 — and, online again, the worker posts it (checked
// through the REST API: FJ-…, the lines' serials, the verdict); the intake slip prints (a 200 PDF
// of swap-intake-slip). The three go to the manufacturer (DF-…, the send list prints), two come
// back (DH-…, a shortfall of one), the two go back to the distributor (GH-…, posted by the worker),
// and the swap history shows the one still out at the factory. Every swap screen at tablet and
// desktop, zh-CN and en. No console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, setLanguage, settle, shot, T, TABLET, tid } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }

function watchConsole(page) {
  const errors = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text())
  })
  return errors
}

/** A q-select's option, typed into its filter first when it has one. */
async function choose(page, testId, optionText, typed = '') {
  const box = page.locator(`.q-field:has(${tid(testId)}), .q-field${tid(testId)}`).first()
  const option = page.locator('.q-menu .q-item').filter({ hasText: optionText }).first()
  // The options come from the tablet's master data, which a page just opened may still be reading: a menu
  // opened before they arrived stays empty, so it is opened again until the option shows.
  for (let attempt = 0; ; attempt++) {
    await box.click()
    if (typed) await box.locator('input').first().fill(typed)
    try {
      await option.waitFor({ timeout: 5_000 })
      break
    } catch (e) {
      if (attempt >= 8) throw e
      await page.keyboard.press('Escape').catch(() => {})
      await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
    }
  }
  await option.click()
  await page.keyboard.press('Escape').catch(() => {})
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

async function eventually(fn, what, ms = 60_000) {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    assert.ok(Date.now() < until, `in time: ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Click a print button: the server's answer is a 200 PDF of `form`. */
async function printed(page, context, button, form) {
  const answer = page.waitForResponse((r) => r.url().includes(`/api/print/${form}/`), { timeout: T })
  const popup = context.waitForEvent('page', { timeout: T }).catch(() => null)
  await page.locator(tid(button)).first().click()
  const r = await answer
  assert.equal(r.status(), 200, `${form} printed`)
  assert.match(r.headers()['content-type'] || '', /pdf/)
  await (await popup)?.close()
  return r
}

const daysAgo = (n) => new Date(Date.now() - n * 86400000 + 8 * 3600000).toISOString().slice(0, 10)

export const scenarios = {
  async swap(browser) {
    const clerk = await apiAs('sz01.clerk')
    const party = (await clerk('GET', '/api/parties?role=distributor&page_size=50')).items.find((p) => p.code === 'D-NANSHAN')
    const charger = (await clerk('GET', '/api/items?q=HUAWEI-CHARGER&page_size=5')).items.find((i) => i.code === 'HUAWEI-CHARGER')
    assert.ok(party && charger, 'demo data: a distributor and a charger')
    const tag = String(Date.now()).slice(-6)
    const serials = [`C${tag}1`, `C${tag}2`, `C${tag}3`]

    const { context, page } = await newContext(browser, TABLET)
    const consoleErrors = watchConsole(page)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    for (const key of ['swapIntake', 'swapReturn', 'swapFactory', 'swapHistory']) await page.locator(tid(`menu-${key}`)).waitFor({ timeout: T })
    ok('the counter section offers the swap screens to the clerk')
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await page.locator(tid('menu-swapIntake')).click()
    await page.locator(tid('swap-intake-page')).waitFor({ timeout: T })
    await settle(page)

    // -- offline: the intake -------------------------------------------------------------------------
    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await choose(page, 'swap-party', '南山手机连锁')
    await choose(page, 'swap-item', 'HUAWEI-CHARGER', 'HUAWEI-CHARGER')
    await field(page, 'swap-quantity').fill('3')
    await field(page, 'swap-serial').fill(serials[0])
    await field(page, 'swap-serial').press('Enter')
    await page.locator(tid('swap-intake-submit')).click()
    await page.locator(`.q-field--error:has(${tid('swap-serial')}), .q-field--error${tid('swap-serial')}`).first().waitFor({ timeout: T })
    ok('one serial for three units is refused at its field, before saving')
    for (const s of serials.slice(1)) {
      await field(page, 'swap-serial').fill(s)
      await field(page, 'swap-serial').press('Enter')
    }
    await field(page, 'swap-sale-date').fill(daysAgo(30))
    await field(page, 'swap-fault').fill('不充电')
    await page.locator(tid('swap-verdict')).getByText('保内免费换同型号').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'swap-01-intake-offline-zh-tablet')
    await page.locator(tid('swap-intake-submit')).click()
    const mine = page.locator(tid('swap-intakes'))
    await mine.locator(tid('fd-sync-pending')).getByText('已保存在本机').first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'swap-02-intake-saved-here-zh-tablet')
    ok('taken in offline: the intake says 已保存在本机')

    // -- online: posted, checked through REST; the slip prints ----------------------------------------
    await context.setOffline(false)
    const intake = await eventually(async () => (await clerk('GET', `/api/swap/intakes?q=${serials[1]}`)).items[0], 'the intake posted')
    assert.match(intake.number, /^FJ-SZ01-/)
    assert.equal(intake.party_id, party.id)
    assert.deepEqual(intake.lines.map((l) => [l.item_code, l.quantity, l.serials, l.verdict]), [['HUAWEI-CHARGER', '3', serials, 'replace']])
    await mine.locator(tid('fd-sync-posted')).getByText(intake.number).waitFor({ timeout: 60_000 })
    ok(`online: the intake posted once as ${intake.number}, its serials and verdict as taken`)
    await printed(page, context, 'swap-print-slip', 'swap-intake-slip')
    ok('the intake slip (swap-intake-slip) prints: 200, a PDF')

    // -- the factory: all three sent, two come back -----------------------------------------------------
    await page.locator(tid('menu-swapFactory')).click()
    await page.locator(tid('swap-factory-page')).waitFor({ timeout: T })
    await choose(page, 'swap-send-maker', '华为终端')
    await page.locator(tid('swap-send-pick-HUAWEI-CHARGER')).first().click()
    await field(page, 'swap-send-waybill').fill(`SF${tag}`)
    await settle(page)
    await shot(page, 'swap-03-send-zh-tablet')
    await page.locator(tid('swap-send-submit')).click()
    await page.locator(tid('swap-factory-made')).getByText(/DF-SZ01-/).waitFor({ timeout: T })
    const send = (await clerk('GET', `/api/swap/sends?q=${serials[0]}`)).items[0]
    assert.ok(send && send.lines[0].quantity === '3' && send.waybill === `SF${tag}`, 'the send posted with the three')
    await printed(page, context, 'swap-print-send', 'swap-send-list')
    ok(`sent to the factory: ${send.number}; the send list prints`)

    await page.locator(tid('swap-tab-receive')).click()
    await choose(page, 'swap-receive-send', send.number)
    await field(page, 'swap-receive-quantity').fill('2')
    await page.locator(tid('swap-receive-short')).getByText('短缺 1').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'swap-04-receive-shortfall-zh-tablet')
    await page.locator(tid('swap-receive-submit')).click()
    await page.locator(tid('swap-factory-made')).getByText(/DH-SZ01-/).waitFor({ timeout: T })
    const receipt = (await clerk('GET', '/api/swap/receipts?page_size=5')).items.find((r) => r.send_id === send.id)
    assert.equal(receipt.shortfall, '1')
    assert.equal(receipt.quantity, '2')
    ok(`received from the factory: ${receipt.number}, two of three (a shortfall of one)`)

    // -- the two go back to the distributor (a sync event) ----------------------------------------------
    await page.locator(tid('menu-swapReturn')).click()
    await page.locator(tid('swap-return-page')).waitFor({ timeout: T })
    await choose(page, 'swap-return-party', '南山手机连锁')
    const held = page.locator(tid('swap-held-HUAWEI-CHARGER')).filter({ hasText: intake.number })
    await held.getByText('在店 2').waitFor({ timeout: T })
    await held.getByText('在厂 1').waitFor({ timeout: T })
    await held.locator(tid('swap-held-pick-HUAWEI-CHARGER')).click()
    await field(page, 'swap-return-contact').fill('王师傅')
    await settle(page)
    await shot(page, 'swap-05-return-zh-tablet')
    await page.locator(tid('swap-return-submit')).click()
    const back = await eventually(async () => (await clerk('GET', `/api/swap/returns?party_id=${party.id}&page_size=5`)).items.find((r) => r.lines.some((l) => l.intake_number === intake.number)), 'the return posted')
    assert.match(back.number, /^GH-SZ01-/)
    assert.equal(back.quantity, '2')
    await page.locator(tid('swap-returns')).locator(tid('fd-sync-posted')).getByText(back.number).waitFor({ timeout: 60_000 })
    ok(`returned to the distributor: ${back.number}, posted by the worker`)

    // -- the history: one still out at the factory ------------------------------------------------------
    await page.locator(tid('menu-swapHistory')).click()
    await page.locator(tid('swap-history-page')).waitFor({ timeout: T })
    await page.locator(tid('swap-history-out')).click()
    const row = page.locator(`${tid('swap-history')} tr`).filter({ hasText: intake.number })
    await row.locator(tid('swap-out-HUAWEI-CHARGER')).getByText('1').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'swap-06-history-zh-tablet')
    const h = (await clerk('GET', `/api/swap/history?serial=${serials[0]}`)).items[0]
    assert.deepEqual([h.sent, h.received, h.returned, h.at_factory, h.at_point], ['3', '2', '2', '1', '0'])
    assert.equal(h.days_out, 0)
    ok('the swap history shows the one still at the factory (REST: sent 3, received 2, returned 2, out 1)')

    await setLanguage(page, 'en')
    await page.locator(tid('swap-history')).getByText('At factory').first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'swap-07-history-en-tablet')
    for (const [route, name] of [['/swap/intake', 'intake'], ['/swap/return', 'return']]) {
      await page.goto(BASE_URL + route)
      await page.locator(tid(`swap-${name}-page`)).waitFor({ timeout: T })
      await settle(page)
      await shot(page, `swap-08-${name}-en-tablet`)
    }
    assert.deepEqual(consoleErrors, [], 'no console error on the tablet')
    assert.deepEqual(page.errors, [], 'no page error on the tablet')
    await context.close()

    // -- desktop, zh-CN and en -------------------------------------------------------------------------
    const desk = await newContext(browser, DESKTOP)
    const dErrors = watchConsole(desk.page)
    await desk.page.goto(BASE_URL + '/login')
    await login(desk.page, 'sz01.manager')
    await desk.page.locator(tid('home-page')).waitFor({ timeout: T })
    for (const lang of ['zh-CN', 'en']) {
      if (lang === 'en') await setLanguage(desk.page, 'en')
      for (const [route, name] of [['/swap/history', 'history'], ['/swap/factory', 'factory'], ['/swap/intake', 'intake'], ['/swap/return', 'return']]) {
        await desk.page.goto(BASE_URL + route)
        await desk.page.locator(tid(`swap-${name}-page`)).waitFor({ timeout: T })
        if (name === 'return') {
          await choose(desk.page, 'swap-return-party', lang === 'en' ? 'D-NANSHAN' : '南山手机连锁')
          await desk.page.locator(tid('swap-held-none')).waitFor({ timeout: T })
        }
        await settle(desk.page)
        await shot(desk.page, `swap-09-${name}-${lang === 'en' ? 'en' : 'zh'}-desktop`)
      }
    }
    assert.deepEqual(dErrors, [], 'no console error on the desktop')
    await desk.context.close()
    ok('every swap screen at tablet and desktop, zh-CN and en')
  },
}
