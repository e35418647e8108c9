// An HQ manager finds an SZ02 order and opens its IMEI timeline (issue 16, §5 and the IMEI timeline):
// the device was repaired at SZ01 before and is now taken in at SZ02 (through the API). hq.manager
// has no point database: the menu offers the online order list, not the counter's. The search finds
// both orders (headquarters sees every point), the SZ02 row opens the order page read from the
// server (state, history with who and when), its IMEI opens the timeline with both orders and their
// steps, and an entry opens its order again. Tablet and desktop, zh-CN and en; no console error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, field, fontsReady, login, newContext, ok, setLanguage, settle, shot, T, TABLET, tid, withLuhn } from '../lib.mjs'

const DESKTOP = { width: 1600, height: 900 }

async function setUp() {
  const sz01 = await apiAs('sz01.clerk')
  const sz02 = await apiAs('sz02.manager')
  const tac = (await sz01('GET', '/api/tacs?page_size=5')).items[0]
  const iw = (await sz01('GET', '/api/warranty-statuses?page_size=50')).items.find((s) => s.rule === 'in_warranty')
  const imei = withLuhn(tac.code + String(Date.now()).slice(-6))
  const body = (name, phone) => ({ customer_name: name, customer_phone: phone, imei, fault_description: '屏幕闪烁',
    warranty_status_id: iw.id, warranty_override_reason: '凭发票在保' })
  const first = (await sz01('POST', '/api/repair/orders', body('刘洋', '13800135501'))).order
  const second = (await sz02('POST', '/api/repair/orders', body('刘洋', '13800135501'))).order
  return { imei, first, second }
}

export const scenarios = {
  async hq(browser) {
    const { imei, first, second } = await setUp()
    ok(`orders ${first.number} (SZ01) and ${second.number} (SZ02) for IMEI ${imei}`)
    for (const [size, viewport] of [['tablet', TABLET], ['desktop', DESKTOP]]) {
      const { context, page } = await newContext(browser, viewport)
      await page.goto(BASE_URL + '/login')
      await login(page, 'hq.manager')
      await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: T })
      // No point database: the online list is in the menu, the counter's offline list is not.
      await page.locator(tid('menu-ws-repair-orders')).first().waitFor({ state: 'visible', timeout: T })
      assert.equal(await page.locator(tid('menu-repairOrders')).count(), 0, 'the counter list is not offered to HQ')
      await page.locator(tid('menu-ws-repair-orders')).first().click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-total-count')).waitFor({ timeout: T })

      const searched = page.waitForResponse((r) => r.url().includes('/api/repair/orders?') && r.url().includes(`q=${imei}`), { timeout: T })
      await field(page, 'ws-search').fill(imei)
      await searched
      // Both orders are on the unfiltered first page too: the count says the search has been applied.
      await page.locator(tid('ws-total-count')).filter({ hasText: /^\s*2\s*$/ }).waitFor({ timeout: T }).catch(() => {})
      await page.locator(tid(`ws-row-${second.number}`)).waitFor({ timeout: T })
      await page.locator(tid(`ws-row-${first.number}`)).waitFor({ timeout: T })
      assert.equal((await page.locator(tid('ws-total-count')).innerText()).trim(), '2', 'HQ finds the device at both points')
      await settle(page)
      await shot(page, `hq-list-${size}-zh`)

      await page.locator(tid(`ws-row-${second.number}`)).click()
      await page.locator(tid('hq-order-page')).waitFor({ timeout: T })
      await page.locator(tid('hq-order-number')).filter({ hasText: second.number }).waitFor({ timeout: T })
      assert.match(await page.locator(tid('hq-order-state')).innerText(), /待受理/)
      await page.locator(tid('hq-history-intake')).waitFor({ timeout: T })
      assert.match(await page.locator(tid('hq-history-intake')).innerText(), /陈东|sz02\.manager/, 'the history names who took it in')
      await settle(page)
      await shot(page, `hq-order-${size}-zh`)

      await page.locator(tid('hq-order-timeline')).click()
      await page.locator(tid('hq-imei-timeline')).waitFor({ timeout: T })
      await page.locator(tid(`hq-imei-order-${first.number}`)).waitFor({ timeout: T })
      await page.locator(tid(`hq-imei-order-${second.number}`)).waitFor({ timeout: T })
      assert.equal(await page.locator(tid('hq-entry-repair.intake')).count(), 2, 'both intakes on the timeline')
      await settle(page)
      await shot(page, `hq-imei-${size}-zh`)

      await setLanguage(page, 'en')
      await page.locator(tid('hq-imei-page')).getByText('IMEI timeline').first().waitFor({ timeout: T })
      await settle(page)
      await shot(page, `hq-imei-${size}-en`)
      // An entry opens its order: the first one is the SZ01 intake.
      await page.locator(tid('hq-entry-link-0')).click()
      await page.locator(tid('hq-order-number')).filter({ hasText: first.number }).waitFor({ timeout: T })
      await page.locator(tid('hq-order-page')).getByText('History').waitFor({ timeout: T })
      await settle(page)
      await shot(page, `hq-order-${size}-en`)
      await page.locator(tid('hq-back')).click()
      await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
      await page.locator(tid('ws-total-count')).waitFor({ timeout: T })
      await settle(page)
      await shot(page, `hq-list-${size}-en`)
      await setLanguage(page, 'zh-CN')
      assert.deepEqual(page.errors, [], 'no page errors')
      await context.close()
      ok(`hq manager: list, order and IMEI timeline at ${size}`)
    }
  },
}
