// Shared helpers of the browser scenarios (pwa/browser/e2e.mjs and pwa/browser/scenarios/*.mjs):
// environment, Chromium contexts that report page errors, login, screenshots, a demo IMEI, a signature.
import assert from 'node:assert/strict'
import { mkdirSync, existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { luhnCheckDigit } from '../src/repair/imei.js'

export const BASE_URL = process.env.BASE_URL
export const ARTIFACTS = process.env.ARTIFACTS || 'test-artifacts/pwa'
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
export const PASSWORD = 'demo-2026'
export const TABLET = { width: 1280, height: 800 }
export const COUNTER = { width: 1024, height: 768 }
export const PHONE = { width: 390, height: 844 }
export const T = 15_000

if (!BASE_URL) throw new Error('BASE_URL is not set')
if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (make test installs it: apt-get install -y chromium)`)
mkdirSync(ARTIFACTS, { recursive: true })

export const tid = (name) => `[data-test="${name}"]`
// Quasar puts a q-input's attributes on the native <input> itself.
export const field = (page, name) => page.locator(`input${tid(name)}, textarea${tid(name)}, ${tid(name)} input, ${tid(name)} textarea`).first()

const STARTED = Date.now()
const since = () => `[${((Date.now() - STARTED) / 1000).toFixed(1)}s]`

export function ok(msg) {
  console.log(`ok ${since()} ${msg}`)
}

export async function shot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`)
  // Text that just changed may need another Noto Sans SC subset: let it load.
  await page.evaluate(() => document.fonts.ready)
  await page.waitForTimeout(200)
  await page.evaluate(() => document.fonts.ready)
  await page.screenshot({ path, fullPage: false })
  console.log(`screenshot ${since()} ${path}`)
}

export async function newContext(browser, viewport, extra = {}) {
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
  // The page's own requests in flight (the app's API calls, assets, PDFs), for `settle`. Sync
  // (/sync/…) is left out: a signed-in tablet keeps a longpoll open, so the network is never idle.
  page.inflight = new Set()
  const origin = new URL(BASE_URL).origin
  page.on('request', (r) => {
    const url = new URL(r.url())
    if (url.origin === origin && !url.pathname.startsWith('/sync/')) page.inflight.add(r)
  })
  const finished = (r) => page.inflight.delete(r)
  page.on('requestfinished', finished)
  page.on('requestfailed', finished)
  page.on('response', (r) => {
    // A replication's first look for its checkpoint answers 404: normal.
    if (r.status() >= 400 && !(r.status() === 404 && r.url().includes('/_local/'))) console.error(`http ${r.status()} ${r.request().method()} ${r.url()}`)
  })
  return { context, page }
}

export async function login(page, username, password = PASSWORD) {
  await field(page, 'login-username').fill(username)
  await field(page, 'login-password').fill(password)
  await page.locator(tid('login-submit')).click()
}

/** Go to an app path through the app's router, without reloading the whole app; a plain load
 *  where the app is not running yet. */
export async function go(page, path) {
  const pushed = await page.evaluate(async (p) => {
    const router = document.querySelector('#app')?.__vue_app__?.config.globalProperties.$router
    if (!router) return false
    await router.push(p)
    return true
  }, path).catch(() => false)
  if (!pushed) await page.goto(BASE_URL + path)
}

/** A business date (YYYY-MM-DD) `offsetDays` from today in Asia/Shanghai (UTC+8, no daylight
 *  saving), as the server and the app date documents: the test machine's own clock may be in UTC,
 *  a day behind from 16:00 UTC. */
export const businessDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10)

export async function fontsReady(page) {
  await page.evaluate(() => document.fonts.ready)
}

/** Wait until none of the page's own requests (sync's longpoll aside) has been in flight for
 *  `quiet` ms, at most `timeout` ms; a page made elsewhere falls back to a bounded networkidle.
 *  The quiet time outlasts the app's input debounces (at most 400 ms): a search typed just before
 *  has sent its request by then. */
export async function requestsIdle(page, { quiet = 500, timeout = 5000 } = {}) {
  if (!page.inflight) return page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => {})
  const until = Date.now() + timeout
  let idleSince = null
  while (Date.now() < until) {
    if (page.inflight.size) idleSince = null
    else if ((idleSince ??= Date.now()) + quiet <= Date.now()) return
    await page.waitForTimeout(25)
  }
}

/** The page has drawn what it asked the server for: its requests answered, its fonts loaded. */
export async function settle(page) {
  await requestsIdle(page)
  await fontsReady(page)
}

/**
 * Choose an option of a select or lookup field: `target` a data-test id (or a selector, when it
 * holds one), `text` the option's words (string or RegExp), `search` typed first. Menus opened
 * while their options load are retried.
 */
export async function choose(page, target, text, search = '') {
  const selector = target.includes('[') ? target : tid(target)
  for (let attempt = 0; ; attempt++) {
    await page.locator(selector).first().click()
    if (search) await page.keyboard.type(search)
    const option = page.locator('.q-menu .q-item:not(.disabled)').filter({ hasText: text }).first()
    try {
      await option.waitFor({ timeout: 3000 })
      await option.click()
      await page.keyboard.press('Escape')
      await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
      return
    } catch (e) {
      if (attempt >= 4) throw e
      await page.keyboard.press('Escape')
    }
  }
}

export async function expectMenu(page, present, absent) {
  for (const key of present) await page.locator(tid(`menu-${key}`)).waitFor({ state: 'visible', timeout: T })
  for (const key of absent) assert.equal(await page.locator(tid(`menu-${key}`)).count(), 0, `menu-${key} should not be shown`)
}

export async function setLanguage(page, value) {
  await page.locator(tid('language-switch')).first().click()
  await page.locator(tid(`lang-${value}`)).click()
}

export async function logout(page) {
  await page.locator(tid('user-menu')).click()
  await page.locator(tid('logout')).click()
  await page.waitForURL(/\/login/, { timeout: T })
}

export const TEST_IMAGE = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons', 'icon-512.png')

/** A 14-digit IMEI body with its Luhn check digit (the app's own rule, src/repair/imei.js). */
export function withLuhn(body14) {
  return body14 + luhnCheckDigit(body14)
}

/** REST calls as `username`: call(method, path, body) → the JSON answer; a refusal throws with it. */
export async function apiAs(username, password = PASSWORD) {
  const r = await fetch(`${BASE_URL}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) })
  const { access_token: token } = await r.json().catch(() => ({}))
  if (!r.ok || !token) throw new Error(`${username} could not log in: ${r.status}`)
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
  return async (method, path, body) => {
    const resp = await fetch(BASE_URL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await resp.text()
    if (!resp.ok) throw new Error(`${username}: ${method} ${path} → ${resp.status} ${text.slice(0, 400)}`)
    return text ? JSON.parse(text) : null
  }
}

/** A valid IMEI of a demo model: its TAC (from the API, before going offline) + a serial + the Luhn digit. */
export async function demoImei() {
  const call = await apiAs('sz01.clerk')
  const tac = (await call('GET', '/api/tacs?page_size=5')).items[0]
  const accounts = await call('GET', '/api/repair/counter-accounts')
  assert.ok(accounts.length >= 1, `the demo point has money accounts: ${JSON.stringify(accounts)}`)
  const model = await call('GET', `/api/models/${tac.model_id}`)
  return { imei: withLuhn(tac.code + String(Date.now()).slice(-6)), modelName: model.name }
}

/** A signature drawn with the mouse on the (visible) signature canvas. */
export async function sign(page) {
  const canvas = page.locator(tid('signature-canvas')).last()
  await canvas.scrollIntoViewIfNeeded()
  const box = await canvas.boundingBox()
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6)
  await page.mouse.down()
  for (let i = 1; i <= 24; i++) {
    await page.mouse.move(box.x + box.width * (0.15 + i * 0.028), box.y + box.height * (0.6 - 0.25 * Math.sin(i / 3)), { steps: 2 })
  }
  await page.mouse.up()
}
