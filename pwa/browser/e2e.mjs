// Browser scenarios for the PWA, driven by playwright-core in Debian's Chromium.
// Run by tests/browser/test_pwa.py against a real server it starts:
//   node pwa/browser/e2e.mjs <scenario>   (BASE_URL, ARTIFACTS in the environment)
// The counter scenarios are below; every pwa/browser/scenarios/<name>.mjs adds more
// (`export const scenarios = { name(browser) {…} }`), and the test runs each file's.
// Prints one "ok …" line per checked step; exits non-zero on the first failure,
// leaving a screenshot of the moment it failed.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'
import { ARTIFACTS, BASE_URL, CHROMIUM, COUNTER, PASSWORD, PHONE, T, TABLET, TEST_IMAGE, demoImei, expectMenu, field, fontsReady, login, logout, newContext, ok, setLanguage, shot, sign, tid } from './lib.mjs'

// -- scenarios ------------------------------------------------------------------

/** Wait until an element's box (size and place) stays the same for three looks 150 ms apart. */
async function steadyBox(locator, timeout = T) {
  const end = Date.now() + timeout
  let last = null
  let same = 0
  while (Date.now() < end) {
    const box = await locator.boundingBox()
    const key = box && `${Math.round(box.width)}x${Math.round(box.height)}@${Math.round(box.x)},${Math.round(box.y)}`
    same = key && key === last ? same + 1 : 0
    if (same >= 2) return
    last = key
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  throw new Error('the box never held still')
}

const scenarios = {
  /** sz01.clerk: login (wrong then right), menu by permission, language switch, logout. */
  async clerk(browser) {
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/')
    await page.waitForURL(/\/login/, { timeout: T })
    await page.locator(tid('login-submit')).waitFor({ timeout: T })
    assert.match(await page.locator('h1').innerText(), /登录/)
    await fontsReady(page)
    await shot(page, 'clerk-01-login-zh-tablet')
    ok('anonymous visitor is sent to the login page, in Chinese')

    await login(page, 'sz01.clerk', 'wrong-password')
    await page.locator(tid('login-error')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('login-error')).innerText(), /用户名或密码错误/)
    await shot(page, 'clerk-02-login-wrong-password-zh-tablet')
    ok('a wrong password is refused with a message')

    await login(page, 'x'.repeat(70), 'whatever')
    const usernameField = page.locator('.q-field', { has: field(page, 'login-username') })
    await usernameField.locator('.q-field__messages').getByText('长度须在 1 到 64 个字符之间').waitFor({ timeout: T })
    assert.match(await page.locator(tid('login-error')).innerText(), /请检查填写的内容/)
    await shot(page, 'clerk-03-login-field-error-zh-tablet')
    ok("the server's per-field error is shown at its field, translated")

    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await expectMenu(page, ['home', 'organisations'], ['users', 'loginRecords', 'switchUser'])
    assert.match(await page.locator(tid('header-user')).innerText(), /王芳/)
    assert.match(await page.locator(tid('header-org')).innerText(), /深圳福田服务中心/)
    assert.match(await page.locator(tid('home-greeting')).innerText(), /王芳/)
    // The local databases open just after the profile loads: the indicator leaves 'idle'.
    await page.locator(`${tid('sync-indicator')}:not([data-state="idle"])`).waitFor({ timeout: T })
    const state = await page.locator(tid('sync-indicator')).getAttribute('data-state')
    assert.ok(['online', 'syncing', 'error', 'offline'].includes(state), `sync indicator state ${state}`)
    await fontsReady(page)
    await shot(page, 'clerk-04-home-zh-tablet')
    ok(`clerk sees 工作台 and 服务网点 only; header shows 王芳 · 深圳福田服务中心; sync indicator ${state}`)

    await page.locator(tid('menu-organisations')).click()
    await page.waitForURL(/\/workspace\/organisations$/, { timeout: T })
    await page.locator(tid('ws-table')).getByText('深圳南山服务点').waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'clerk-05-organisations-zh-tablet')
    ok('service points list loads (the workspace list)')

    await page.locator(tid('sync-indicator')).click()
    await page.locator(tid('sync-details')).waitFor({ timeout: T })
    await page.waitForTimeout(500) // menu fade-in
    await shot(page, 'clerk-06-sync-details-zh-tablet')
    await page.keyboard.press('Escape')
    await page.locator(tid('sync-details')).waitFor({ state: 'detached', timeout: T })
    ok('sync details open from the indicator')

    await setLanguage(page, 'en')
    await page.locator(tid('menu-organisations')).getByText('Service points').waitFor({ timeout: T })
    await page.locator(tid('menu-home')).click()
    await page.locator(tid('home-greeting')).getByText(/Good (morning|afternoon|evening), 王芳/).waitFor({ timeout: T })
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en')
    await shot(page, 'clerk-07-home-en-tablet')
    ok('language switches to English')

    await logout(page)
    assert.match(await page.locator('h1').innerText(), /Log in/)
    await shot(page, 'clerk-08-logged-out-en-tablet')
    ok('logout returns to the login page (language kept)')

    await page.goto(BASE_URL + '/workspace/users')
    await page.waitForURL(/\/login\?redirect=(%2F|\/)workspace(%2F|\/)users/, { timeout: T })
    ok('after logout a client route asks for login again')
    assert.deepEqual(page.errors, [])
    await context.close()
  },

  /** The same at phone size: login, home, drawer. */
  async phone(browser) {
    const { context, page } = await newContext(browser, PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    await page.goto(BASE_URL + '/login')
    await page.locator(tid('login-submit')).waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'phone-01-login-zh')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'phone-02-home-zh')
    assert.equal(await page.locator(tid('menu-home')).isVisible(), false, 'drawer starts closed on a phone')
    await page.locator(tid('drawer-toggle')).click()
    await page.locator(tid('menu-organisations')).waitFor({ state: 'visible', timeout: T })
    await page.waitForTimeout(400) // drawer animation
    await shot(page, 'phone-03-drawer-zh')
    await page.locator(tid('menu-organisations')).click()
    await page.locator(tid('ws-list-page')).waitFor({ timeout: T })
    await page.getByText('深圳南山服务点').first().waitFor({ timeout: T })
    await page.waitForTimeout(400)
    await shot(page, 'phone-04-organisations-zh')
    await setLanguage(page, 'en')
    await page.locator(tid('ws-list-page')).locator('h1').getByText('Service point').waitFor({ timeout: T })
    await page.waitForTimeout(800) // notices in the old language fade out
    await shot(page, 'phone-05-organisations-en')
    ok('phone: login, home, drawer menu and service point cards, in Chinese and English')
    assert.deepEqual(page.errors, [])
    await context.close()
  },

  /** Wrong passwords are throttled, never locked (docs/architecture.md, Auth): five go free, the
   *  sixth starts a wait of seconds, and a try within it is answered 429 with the wait to show. */
  async lockout(browser) {
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    let message = ''
    for (let i = 0; i < 10 && !/请等待/.test(message); i++) {
      await login(page, 'gz01.clerk', `wrong-${i}`)
      await page.locator(tid('login-error')).waitFor({ timeout: T })
      await page.waitForFunction(() => !document.querySelector('[data-test="login-submit"] .q-spinner'))
      message = await page.locator(tid('login-error')).innerText()
    }
    const wait = /请等待 (\d+) 秒后再试/.exec(message)
    assert.ok(wait, `no wait shown after the wrong passwords: ${message}`)
    await fontsReady(page)
    await shot(page, 'lockout-01-throttled-zh-tablet')
    ok('wrong passwords meet a wait of seconds, shown with the seconds to wait')
    // Not a lock: once the wait is over the right password gets in.
    await page.waitForTimeout((Number(wait[1]) + 1) * 1000)
    await login(page, 'gz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    ok('after the wait the right password gets in')
    await context.close()
  },

  /** Reload with no network: the service worker serves the shell and the session. */
  async offline(browser) {
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
      }
    })
    ok('service worker installed and controls the page')
    // One online load under the worker's control caches the fonts used.
    await page.reload()
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await fontsReady(page)

    await context.setOffline(true)
    await page.reload()
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    assert.match(await page.locator(tid('header-user')).innerText(), /王芳/)
    await expectMenu(page, ['home', 'organisations'], ['users'])
    await fontsReady(page)
    await shot(page, 'offline-01-home-reloaded-offline-zh-tablet')
    ok('offline reload opens the app shell with the stored session; indicator says offline')

    // The old path of the service points' table opens the workspace list, which is online only.
    await page.goto(BASE_URL + '/organisations')
    await page.locator(tid('bo-offline')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('bo-offline')).innerText(), /当前处于离线状态/)
    await shot(page, 'offline-02-online-only-page-zh-tablet')
    ok('a client route opens offline too; an online-only list says the network is missing')

    await context.setOffline(false)
    await page.locator(tid('ws-table')).getByText('深圳南山服务点').waitFor({ timeout: T })
    ok('back online, the list loads by itself')
    assert.deepEqual(page.errors, [])
    await context.close()
  },

  /**
   * The counter, offline first (issue 7's acceptance): sz01.clerk takes a device in with no
   * network (photo, drawn signature, deposit), sees it waiting, goes online and sees the order
   * posted with its number; accepts it and returns it unrepaired; picks it up by the ticket's
   * QR token typed into the scanner's input; sees it completed; reloads offline and finds it all.
   */
  async counter(browser) {
    const { context, page } = await newContext(browser, COUNTER)
    const imeiOf = await demoImei()
    await page.goto(BASE_URL + '/login')
    await login(page, 'sz01.clerk')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }))
      }
    })
    await expectMenu(page, ['repairIntake', 'repairOrders', 'repairPickup'], [])
    // Master data (models, TACs, accessories, fault codes) replicates to the device first.
    await page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
    await page.locator(tid('menu-repairOrders')).click()
    await page.locator(tid('orders-empty')).waitFor({ timeout: T })
    ok('online: logged in, master data synced, the order list is empty')

    await context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await page.locator(tid('menu-repairIntake')).click()
    await page.locator(tid('intake-page')).waitFor({ timeout: T })
    await page.locator(tid('intake-offline')).waitFor({ timeout: T })
    await page.locator(tid('customer-kind')).getByText('散客').click()
    await field(page, 'customer-name').fill('张三')
    await field(page, 'customer-phone').fill('13912345678')
    await fontsReady(page)
    await shot(page, 'counter-01-intake-customer-zh-1024')
    await page.locator(tid('intake-next')).click()

    const wrong = imeiOf.imei.slice(0, 14) + String((Number(imeiOf.imei[14]) + 1) % 10)
    await field(page, 'imei').fill(wrong)
    await page.locator(tid('intake-next')).click()
    await page.getByText('IMEI 校验位不正确').waitFor({ timeout: T })
    ok('an IMEI with a wrong Luhn digit is refused at the counter')
    await field(page, 'imei').fill(imeiOf.imei)
    await page.locator(tid('imei-ok')).waitFor({ timeout: T })
    await page.getByText('已按 IMEI 号段（TAC）识别机型').waitFor({ timeout: T })
    const modelField = page.locator('.q-field', { has: page.locator(tid('model')) }).first()
    await modelField.getByText(imeiOf.modelName, { exact: true }).waitFor({ timeout: T })
    await page.locator(tid('accessories')).locator('.q-checkbox').first().click()
    await shot(page, 'counter-02-intake-device-zh-1024')
    ok(`the model (${imeiOf.modelName}) comes from the TAC in the local master data`)
    await page.locator(tid('intake-next')).click()

    await page.locator(tid('symptoms')).locator('.q-chip').first().click()
    await field(page, 'fault-description').fill('摔后屏幕碎裂')
    await field(page, 'appearance-note').fill('左上角磕碰')
    await page.locator(tid('photo-input')).setInputFiles(TEST_IMAGE)
    await page.locator(tid('photo-thumb')).first().waitFor({ timeout: T })
    await shot(page, 'counter-03-intake-fault-photo-zh-1024')
    ok('a photo from the file input is compressed and kept on the device')
    await page.locator(tid('intake-next')).click()

    await field(page, 'deposit-amount').fill('50')
    await page.locator(tid('intake-save')).click()
    await page.getByText('请客户签字').first().waitFor({ timeout: T })
    await sign(page)
    await shot(page, 'counter-04-intake-signed-zh-1024')
    await page.locator(tid('intake-save')).click()
    await page.locator(tid('ticket-page')).waitFor({ timeout: T })
    await page.locator(tid('ticket-pending')).waitFor({ timeout: T })
    const code = (await page.locator(tid('ticket-code')).innerText()).trim()
    const token = await page.locator(tid('qr-image')).getAttribute('data-token')
    assert.match(code, /^[0-9A-Z]{5}-\d{4}$/)
    assert.match(token, /^R1[0-9A-Z]{26}$/)
    await page.locator(tid('ticket-signature')).waitFor({ timeout: T })
    const pending = page.locator(`${tid('sync-indicator')} ${tid('sync-pending')}`)
    await pending.getByText('2', { exact: true }).waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'counter-05-ticket-offline-zh-1024')
    ok(`offline intake saved: provisional code ${code}, QR ${token}, pending counter 2 (the event and its photo)`)

    await page.locator(tid('menu-repairOrders')).click()
    await page.locator(tid(`order-${code}`)).getByText('已保存在本机').waitFor({ timeout: T })
    await shot(page, 'counter-06-orders-offline-zh-1024')
    ok('the order list shows it offline, pending sync')

    await context.setOffline(false)
    const row = page.locator(tid(`order-${code}`))
    await row.locator(tid('order-number')).waitFor({ timeout: 90_000 })
    const number = (await row.locator(tid('order-number')).innerText()).trim()
    assert.match(number, /^WX-SZ01-\d{4}-\d{5}$/)
    await page.locator(`${tid('sync-indicator')} ${tid('sync-pending')}`).waitFor({ state: 'detached', timeout: 60_000 })
    await shot(page, 'counter-07-orders-posted-zh-1024')
    ok(`online: the photo uploaded, the intake posted as ${number}, nothing pending`)

    await row.click()
    await page.locator(tid('order-page')).waitFor({ timeout: T })
    const actions = page.locator(tid('order-actions'))
    await actions.locator(tid('action-accept')).waitFor({ timeout: T })
    assert.equal(await actions.locator(tid('action-start_repair')).count(), 0, 'a clerk may not start repairs')
    assert.equal(await actions.locator(tid('action-pickup')).count(), 0, 'no pickup before the repair')
    await page.locator(tid('order-bill')).waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'counter-08-order-detail-zh-1024')
    ok('the detail shows only the machine’s next actions for a clerk (accept, return unrepaired, convert)')

    await actions.locator(tid('action-accept')).click()
    await page.locator(tid('event-confirm')).click()
    await page.locator(`${tid('order-page')} ${tid('state-pending_repair')}`).waitFor({ timeout: T })
    await actions.locator(tid('action-return_unrepaired')).click()
    await page.locator(tid('event-confirm')).click()
    await page.locator(tid('event-missing')).waitFor({ timeout: T })
    await field(page, 'field-reason').fill('客户不修了')
    await page.locator(tid('event-confirm')).click()
    await page.locator(`${tid('order-page')} ${tid('state-pending_pickup')}`).waitFor({ timeout: T })
    await page.locator(tid('history-return_unrepaired')).getByText('已过账').waitFor({ timeout: 60_000 })
    await shot(page, 'counter-09-order-ready-zh-1024')
    ok('accept and return unrepaired fired as events and posted')

    await page.locator(tid('menu-repairPickup')).click()
    await field(page, 'scan-input').fill('R1NOTATOKEN')
    await page.locator(tid('scan-submit')).click()
    await page.getByText('本机没有找到对应的工单').waitFor({ timeout: T })
    await shot(page, 'counter-10-pickup-scan-zh-1024')
    await field(page, 'scan-input').fill(token)
    await page.locator(tid('scan-submit')).click()
    await page.locator(tid('pickup-number')).getByText(number).waitFor({ timeout: T })
    await page.locator(`${tid('pickup-photos')} ${tid('photo-thumb')}`).waitFor({ timeout: T })
    await page.locator(tid('bill')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('bill')).innerText(), /50\.00/)
    // A photo of the device as it goes back, beside the intake one.
    await page.locator(`${tid('pickup-new-photos')} ${tid('photo-input')}`).setInputFiles(TEST_IMAGE)
    await page.locator(`${tid('pickup-new-photos')} ${tid('photo-thumb')}`).waitFor({ timeout: T })
    // This page is still settling while the sync answers (the order re-read, its badges, the fonts of
    // new words): the pad moved or was drawn again under the pen, and the signature came back empty
    // (the failure seen here). Sign once the pad holds still in the middle of the screen (clear of
    // the notices at the bottom), and go on once the form holds the signature.
    await fontsReady(page)
    const pad = page.locator(`${tid('pickup-page')} ${tid('signature-canvas')}`)
    await pad.evaluate((el) => el.scrollIntoView({ block: 'center' }))
    await steadyBox(pad)
    await sign(page)
    await page.locator(`${tid('pickup-page')} .signature-box:not(.signature-empty)`).waitFor({ timeout: T })
    await shot(page, 'counter-11-pickup-zh-1024')
    await page.locator(tid('pickup-confirm')).click()
    await page.locator(tid('pickup-done')).waitFor({ timeout: T })
    ok('the scanned token opens the order: intake photo beside a new one, bill (deposit 50.00 returned), signature, pickup')

    await page.locator(tid('pickup-done')).getByRole('link').click()
    await page.locator(tid('history-pickup')).getByText('已过账').waitFor({ timeout: 60_000 })
    await page.locator(`${tid('order-page')} ${tid('state-completed')}`).waitFor({ timeout: T })
    await page.locator(`${tid('order-pickup-photos')} ${tid('photo-thumb')}`).waitFor({ timeout: T })
    await shot(page, 'counter-12-completed-zh-1024')
    ok('the pickup posted: the order is completed')

    await context.setOffline(true)
    await page.goto(BASE_URL + '/repair/orders')
    await page.locator(tid('orders-page')).waitFor({ timeout: T })
    const again = page.locator(tid(`order-${code}`))
    await again.locator(tid('order-number')).getByText(number).waitFor({ timeout: T })
    await again.locator(tid('state-completed')).waitFor({ timeout: T })
    await page.locator(tid('filter-completed')).click()
    await field(page, 'orders-search').fill(imeiOf.imei.slice(-6))
    await again.waitFor({ timeout: T })
    await shot(page, 'counter-13-orders-reloaded-offline-zh-1024')
    ok('reloaded offline: the shell comes from the cache, the order is there, filter and search work')

    await setLanguage(page, 'en')
    await page.getByText('Repair orders').first().waitFor({ timeout: T })
    await field(page, 'orders-search').fill('')
    await page.locator(tid('filter-all')).click()
    await shot(page, 'counter-14-orders-en-1024')
    await again.click()
    await page.locator(tid('order-page')).waitFor({ timeout: T })
    await page.getByText('Progress').waitFor({ timeout: T })
    await shot(page, 'counter-15-order-detail-en-1024')
    await page.locator(tid('menu-repairIntake')).click()
    await page.locator(tid('intake-page')).waitFor({ timeout: T })
    await shot(page, 'counter-16-intake-en-1024')
    await page.locator(tid('menu-repairPickup')).click()
    await page.locator(tid('pickup-page')).waitFor({ timeout: T })
    await shot(page, 'counter-17-pickup-scan-en-1024')
    ok('English screens')
    assert.deepEqual(page.errors, [])
    await context.close()

    // Phone size: the same screens on a 390 × 844 phone (a fresh device: it syncs the orders down).
    const phone = await newContext(browser, PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    await phone.page.goto(BASE_URL + '/login')
    await login(phone.page, 'sz01.clerk')
    await phone.page.locator(tid('home-page')).waitFor({ timeout: T })
    await phone.page.goto(BASE_URL + '/repair/orders')
    await phone.page.locator(tid(`order-${code}`)).locator(tid('order-number')).waitFor({ timeout: 60_000 })
    await fontsReady(phone.page)
    await shot(phone.page, 'counter-20-orders-zh-phone')
    await phone.page.locator(tid(`order-${code}`)).click()
    await phone.page.locator(tid('order-page')).waitFor({ timeout: T })
    await phone.page.locator(`${tid('order-page')} ${tid('photo-thumb')}`).first().waitFor({ timeout: T })
    await shot(phone.page, 'counter-21-order-detail-zh-phone')
    await phone.page.goto(BASE_URL + '/repair/intake')
    await phone.page.locator(tid('intake-page')).waitFor({ timeout: T })
    await fontsReady(phone.page)
    await shot(phone.page, 'counter-22-intake-zh-phone')
    await setLanguage(phone.page, 'en')
    await phone.page.locator('h1').getByText('Take in a device').waitFor({ timeout: T })
    await shot(phone.page, 'counter-23-intake-en-phone')
    await phone.page.goto(BASE_URL + '/repair/pickup')
    await phone.page.locator(tid('pickup-page')).waitFor({ timeout: T })
    await shot(phone.page, 'counter-24-pickup-en-phone')
    ok('phone: orders (synced down from the server, photo fetched online), detail, intake, pickup')
    assert.deepEqual(phone.page.errors, [])
    await phone.context.close()
  },
}

const here = dirname(fileURLToPath(import.meta.url))
const extra = join(here, 'scenarios')
for (const file of existsSync(extra) ? readdirSync(extra).filter((f) => f.endsWith('.mjs')).sort() : []) {
  Object.assign(scenarios, (await import(pathToFileURL(join(extra, file)).href)).scenarios)
}

const name = process.argv[2]
if (!scenarios[name]) {
  console.error(`unknown scenario ${name}; one of: ${Object.keys(scenarios).join(', ')}`)
  process.exit(2)
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const started = Date.now()
try {
  await scenarios[name](browser)
  console.log(`scenario ${name} passed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
} catch (e) {
  for (const ctx of browser.contexts()) {
    for (const p of ctx.pages()) {
      await p.screenshot({ path: join(ARTIFACTS, `FAILED-${name}.png`) }).catch(() => {})
      // Where the page was and what had the focus: a timeout alone does not say why.
      const where = await p
        .evaluate(() => ({ url: location.href, focus: document.activeElement?.outerHTML?.slice(0, 300) ?? null }))
        .catch((err) => ({ url: p.url(), focus: `unreadable: ${err.message}` }))
      console.error('page at failure:', JSON.stringify(where))
      if (p.errors?.length) console.error('page errors:', p.errors)
    }
  }
  console.error(`scenario ${name} FAILED: ${e.stack || e}`)
  process.exitCode = 1
} finally {
  await browser.close()
}
