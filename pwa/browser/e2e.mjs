// Browser scenarios for the PWA, driven by playwright-core in Debian's Chromium.
// Run by tests/browser/test_pwa.py against a real server it starts:
//   node pwa/browser/e2e.mjs <scenario>   (BASE_URL, ARTIFACTS in the environment)
// Prints one "ok …" line per checked step; exits non-zero on the first failure,
// leaving a screenshot of the moment it failed.
import assert from 'node:assert/strict'
import { mkdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const BASE_URL = process.env.BASE_URL
const ARTIFACTS = process.env.ARTIFACTS || 'test-artifacts/pwa'
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const PASSWORD = 'demo-2026'
const TABLET = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const T = 15_000

if (!BASE_URL) throw new Error('BASE_URL is not set')
if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (make test installs it: apt-get install -y chromium)`)
mkdirSync(ARTIFACTS, { recursive: true })

const tid = (name) => `[data-test="${name}"]`
// Quasar puts a q-input's attributes on the native <input> itself.
const field = (page, name) => page.locator(`input${tid(name)}, ${tid(name)} input`).first()

function ok(msg) {
  console.log(`ok ${msg}`)
}

async function shot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`)
  // Text that just changed may need another Noto Sans SC subset: let it load.
  await page.evaluate(() => document.fonts.ready)
  await page.waitForTimeout(200)
  await page.evaluate(() => document.fonts.ready)
  await page.screenshot({ path, fullPage: false })
  console.log(`screenshot ${path}`)
}

async function newContext(browser, viewport, extra = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...extra })
  const page = await context.newPage()
  page.errors = []
  // A thrown non-Error (minified class instance) prints as its class name only: keep the stack and fields.
  page.on('pageerror', (e) => {
    page.errors.push(String(e))
    console.error('page error:', e?.stack || e, JSON.stringify(e))
  })
  page.on('console', (m) => {
    // Failed requests are printed by the response handler below.
    if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) console.error(`console ${m.type()}: ${m.text()}`)
  })
  page.on('response', (r) => {
    // A replication's first look for its checkpoint answers 404: normal.
    if (r.status() >= 400 && !(r.status() === 404 && r.url().includes('/_local/'))) console.error(`http ${r.status()} ${r.request().method()} ${r.url()}`)
  })
  return { context, page }
}

async function login(page, username, password = PASSWORD) {
  await field(page, 'login-username').fill(username)
  await field(page, 'login-password').fill(password)
  await page.locator(tid('login-submit')).click()
}

async function fontsReady(page) {
  await page.evaluate(() => document.fonts.ready)
}

async function expectMenu(page, present, absent) {
  for (const key of present) await page.locator(tid(`menu-${key}`)).waitFor({ state: 'visible', timeout: T })
  for (const key of absent) assert.equal(await page.locator(tid(`menu-${key}`)).count(), 0, `menu-${key} should not be shown`)
}

async function setLanguage(page, value) {
  await page.locator(tid('language-switch')).first().click()
  await page.locator(tid(`lang-${value}`)).click()
}

async function logout(page) {
  await page.locator(tid('user-menu')).click()
  await page.locator(tid('logout')).click()
  await page.waitForURL(/\/login/, { timeout: T })
}

// -- scenarios ------------------------------------------------------------------

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
    await page.locator(tid('organisations-table')).getByText('深圳南山服务点').waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'clerk-05-organisations-zh-tablet')
    ok('service points list loads')

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

    await page.goto(BASE_URL + '/users')
    await page.waitForURL(/\/login\?redirect=(%2F|\/)users/, { timeout: T })
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
    await page.locator(tid('organisations-page')).waitFor({ timeout: T })
    await page.getByText('深圳南山服务点').first().waitFor({ timeout: T })
    await page.waitForTimeout(400)
    await shot(page, 'phone-04-organisations-zh')
    await setLanguage(page, 'en')
    await page.getByText('Headquarters and the service points of every level.').waitFor({ timeout: T })
    await page.waitForTimeout(800) // notices in the old language fade out
    await shot(page, 'phone-05-organisations-en')
    ok('phone: login, home, drawer menu and service point cards, in Chinese and English')
    assert.deepEqual(page.errors, [])
    await context.close()
  },

  /** admin: back-office lists, switch user to sz01.clerk, banner, leave. */
  async admin(browser) {
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'admin')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await expectMenu(page, ['home', 'organisations', 'users', 'loginRecords', 'switchUser'], [])
    ok('admin sees every menu entry')

    await page.locator(tid('menu-users')).click()
    await page.locator(tid('users-table')).getByText('sz01.clerk').waitFor({ timeout: T })
    await fontsReady(page)
    await shot(page, 'admin-01-users-zh-tablet')
    await page.locator(tid('menu-loginRecords')).click()
    await page.locator(tid('login-records-table')).getByText('admin').first().waitFor({ timeout: T })
    await shot(page, 'admin-02-login-records-zh-tablet')
    ok('users and login record lists load')

    await page.locator(tid('menu-switchUser')).click()
    await field(page, 'switch-search').fill('sz01.clerk')
    const row = page.locator(tid('switch-to-sz01.clerk'))
    await row.waitFor({ timeout: T })
    await page.waitForTimeout(500) // the search is debounced
    await shot(page, 'admin-03-switch-user-zh-tablet')
    await row.click()
    await page.locator('.q-dialog').getByRole('button', { name: '切换为此用户' }).click()
    const banner = page.locator(tid('acting-banner'))
    await banner.waitFor({ timeout: T })
    assert.match(await banner.innerText(), /系统管理员.*王芳/s)
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('header-user')).innerText(), /王芳/)
    assert.equal(await page.locator(tid('menu-switchUser')).count(), 0, 'no switching again while acting')
    await page.waitForTimeout(400)
    await fontsReady(page)
    await shot(page, 'admin-04-acting-as-clerk-zh-tablet')
    ok('admin acts as 王芳 with a banner naming both')

    await page.reload()
    await banner.waitFor({ timeout: T })
    ok('the switched session survives a reload')

    await page.locator(tid('acting-leave')).click()
    await banner.waitFor({ state: 'detached', timeout: T })
    await page.locator(tid('switch-user-page')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('header-user')).innerText(), /系统管理员/)
    await page.waitForTimeout(400)
    await shot(page, 'admin-05-after-leave-zh-tablet')
    ok('leave returns to the administrator')
    assert.deepEqual(page.errors, [])
    await context.close()
  },

  /** Too many wrong passwords lock the account; the message says until when. */
  async lockout(browser) {
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    for (let i = 0; i < 5; i++) {
      await login(page, 'gz01.clerk', `wrong-${i}`)
      await page.locator(tid('login-error')).waitFor({ timeout: T })
      await page.waitForFunction(() => !document.querySelector('[data-test="login-submit"] .q-spinner'))
    }
    await login(page, 'gz01.clerk')
    await page.locator(tid('login-error')).getByText(/锁定/).waitFor({ timeout: T })
    assert.match(await page.locator(tid('login-error')).innerText(), /账号已锁定至/)
    await fontsReady(page)
    await shot(page, 'lockout-01-locked-zh-tablet')
    ok('a locked account gets the lockout message, even with the right password')
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

    await page.goto(BASE_URL + '/organisations')
    await page.locator(tid('load-error')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('load-error')).innerText(), /无法连接服务器/)
    await shot(page, 'offline-02-online-only-page-zh-tablet')
    ok('a client route opens offline too; an online-only list says the network is missing')

    await context.setOffline(false)
    await page.locator(tid('load-error')).getByRole('button').click()
    await page.locator(tid('organisations-table')).getByText('深圳南山服务点').waitFor({ timeout: T })
    ok('back online, retry loads the list')
    assert.deepEqual(page.errors, [])
    await context.close()
  },
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
      if (p.errors?.length) console.error('page errors:', p.errors)
    }
  }
  console.error(`scenario ${name} FAILED: ${e.stack || e}`)
  process.exitCode = 1
} finally {
  await browser.close()
}
