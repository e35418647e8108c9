// Accessibility of the main screens: every control has a name a screen reader can say (from
// Chromium's own accessibility tree), text is readable against its background (WCAG AA
// contrast), and a desktop user gets through login and the menu with the keyboard alone.
import assert from 'node:assert/strict'
import { BASE_URL, T, TABLET, newContext, ok, shot, tid } from '../lib.mjs'

const CONTROLS = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'switch', 'menuitem', 'tab', 'spinbutton', 'slider', 'listbox', 'option'])

/** Controls without an accessible name, as "role (outerHTML…)". */
async function unnamedControls(page) {
  const cdp = await page.context().newCDPSession(page)
  const { nodes } = await cdp.send('Accessibility.getFullAXTree')
  const bad = []
  for (const n of nodes) {
    const role = n.role?.value
    if (n.ignored || !CONTROLS.has(role)) continue
    if (String(n.name?.value || '').trim()) continue
    let html = ''
    if (n.backendDOMNodeId) {
      const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId }).catch(() => ({}))
      if (object?.objectId) {
        const r = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: 'function () { return this.outerHTML.slice(0, 160) }', returnByValue: true })
        html = r.result?.value || ''
      }
    }
    bad.push(`${role} ${html}`)
  }
  await cdp.detach()
  return bad
}

/** Visible text below WCAG AA contrast (4.5:1, 3:1 for large text) against its painted background. */
async function lowContrast(page) {
  return page.evaluate(() => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/)
      if (!m) return null
      const [r, g, b, a = 1] = m[1].split(/[,\s/]+/).filter(Boolean).map(Number)
      return { r, g, b, a }
    }
    const lum = ({ r, g, b }) => {
      const f = (v) => {
        v /= 255
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
    }
    const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 })
    // The background actually behind an element: its ancestors' colours composed (images and
    // gradients are not judged).
    function background(el) {
      const layers = []
      for (let e = el; e; e = e.parentElement) {
        const s = getComputedStyle(e)
        if (s.backgroundImage !== 'none') return null
        const c = parse(s.backgroundColor)
        if (c && c.a > 0) {
          layers.push(c)
          if (c.a >= 1) break
        }
      }
      let bg = { r: 255, g: 255, b: 255, a: 1 }
      for (const c of layers.reverse()) bg = over(c, bg)
      return bg
    }
    const out = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    const seen = new Set()
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim()
      const el = node.parentElement
      if (!text || !el || seen.has(el)) continue
      seen.add(el)
      const rect = el.getBoundingClientRect()
      const s = getComputedStyle(el)
      if (!rect.width || !rect.height || rect.bottom < 0 || rect.top > innerHeight || s.visibility === 'hidden' || Number(s.opacity) === 0) continue
      if (el.closest('[disabled], [aria-disabled="true"], .disabled, canvas, svg')) continue
      const fg = parse(s.color)
      const bg = background(el)
      if (!fg || !bg) continue
      const a = lum(over(fg, bg)) + 0.05
      const b = lum(bg) + 0.05
      const ratio = Math.max(a, b) / Math.min(a, b)
      const size = parseFloat(s.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700)
      if (ratio < (large ? 3 : 4.5)) out.push(`${ratio.toFixed(2)} "${text.slice(0, 40)}" ${s.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)})`)
    }
    return out
  })
}

async function focusByTab(page, selector, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) || !!document.activeElement?.closest(sel), selector)) return
  }
  throw new Error(`Tab never reached ${selector}`)
}

// Every screen is checked before the scenario fails, so one run lists every problem.
const problems = []

async function check(page, name) {
  await page.evaluate(() => document.fonts.ready)
  await page.waitForTimeout(400) // transitions end (a fading element is not what a user reads)
  const found = [
    ...(await unnamedControls(page)).map((x) => `${name}: control without an accessible name: ${x}`),
    ...(await lowContrast(page)).map((x) => `${name}: text below WCAG AA contrast: ${x}`),
  ]
  problems.push(...found)
  if (!found.length) ok(`${name}: every control named, every text readable`)
}

export const scenarios = {
  async a11y(browser) {
    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await page.locator(tid('login-submit')).waitFor({ timeout: T })
    await check(page, 'login')

    // Keyboard only: Tab to the fields, type, Enter.
    await focusByTab(page, tid('login-username'))
    await page.keyboard.type('sz01.manager')
    await focusByTab(page, tid('login-password'))
    await page.keyboard.type('demo-2026')
    await page.keyboard.press('Enter')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    ok('logged in with the keyboard alone')
    await check(page, 'home')

    await focusByTab(page, tid('menu-repairOrders'), 80)
    await page.keyboard.press('Enter')
    await page.locator(tid('orders-page')).waitFor({ timeout: T })
    const focusVisible = await page.evaluate(() => {
      const el = document.activeElement
      return !!el && el !== document.body
    })
    assert.ok(focusVisible, 'focus stays on a control after the menu navigates')
    ok('opened the order list from the menu with Tab and Enter')
    await check(page, 'order list')

    const screens = [
      ['/repair/intake', 'intake-page', 'intake'],
      ['/repair/pickup', 'pickup-page', 'pickup'],
      ['/workshop/queue', 'ws-queue-search', 'repair queue'],
      ['/backoffice/stock', 'bo-stock-table', 'current stock'],
      ['/workspace/items', 'ws-table', 'base data (workspace list)'],
      ['/workspace/items/new', 'ws-form-page', 'base-data form (workspace)'],
      ['/workspace/goods_receipt', 'ws-table', 'warehouse documents (workspace list)'],
      ['/workspace/goods_receipt/new', 'ws-form-page', 'warehouse document form (workspace)'],
      ['/frontdesk/lend', 'fd-lend-page', 'loaner lending'],
      ['/frontdesk/batches', 'fd-batches-page', 'distributor batches'],
      ['/imei', 'hq-imei-page', 'IMEI timeline'],
      ['/finance/counterparties', 'fin-counterparties-table', 'receivables and payables'],
      ['/finance/accounts', 'fin-accounts-table', 'money accounts'],
      ['/backoffice/dashboard', 'bo-kpi-intake', 'dashboard'],
    ]
    for (const [path, testId, name] of screens) {
      await page.goto(BASE_URL + path)
      await page.locator(tid(testId)).first().waitFor({ timeout: T })
      await check(page, name)
    }
    await shot(page, 'a11y-dashboard-zh-tablet')
    assert.deepEqual(problems, [], 'accessibility problems')
    assert.deepEqual(page.errors, [])
    await context.close()
  },
}
