// make bench-pwa's browser half (bench/pwa.py sets the scene and prints the figures):
//   node pwa/browser/bench-sync.mjs '<json config>'
// 1. A fresh Chromium profile logs in as the point's clerk; timed until the local IndexedDB
//    copies of the service point and master databases hold every document.
// 2. Offline, reloaded from the service worker's cache, the order list opened from the menu;
//    timed until its rows are painted (several runs).
// Prints progress lines (with the app's own performance measures and the long tasks seen),
// then one JSON line with the figures. BENCH_PROFILE=1 prints a CPU profile of the last run.
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'

const cfg = JSON.parse(process.argv[2])
const T = 60_000
// The browser tests' helpers, pointed at this run's server (lib.mjs reads these when loaded).
process.env.BASE_URL = cfg.base
process.env.ARTIFACTS ??= '../test-artifacts/pwa'
const { login, tid } = await import('./lib.mjs')

const browser = await chromium.launch({
  executablePath: cfg.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  // Long tasks (main thread busy > 50 ms) are printed with each run: where the time goes.
  await context.addInitScript(() => {
    window.__longTasks = []
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(`${Math.round(e.startTime)}+${Math.round(e.duration)}`)
      }).observe({ type: 'longtask', buffered: true })
    } catch {
      /* not supported */
    }
  })
  page.on('pageerror', (e) => console.error('page error:', e?.stack || e))

  await page.goto(cfg.base + '/login')
  await page.locator(tid('login-submit')).waitFor({ timeout: T })
  const started = Date.now()
  await login(page, cfg.username, cfg.password)

  // Documents in a local PouchDB (IndexedDB adapter: one row per document in 'document-store').
  const localCount = (name) =>
    page.evaluate(
      (idbName) =>
        new Promise((resolve) => {
          const req = indexedDB.open(idbName)
          req.onupgradeneeded = () => {
            req.transaction.abort()
            resolve(0)
          }
          req.onerror = () => resolve(0)
          req.onsuccess = () => {
            const db = req.result
            if (!db.objectStoreNames.contains('document-store')) {
              db.close()
              return resolve(0)
            }
            const c = db.transaction('document-store').objectStore('document-store').count()
            c.onsuccess = () => {
              db.close()
              resolve(c.result)
            }
            c.onerror = () => {
              db.close()
              resolve(0)
            }
          }
        }),
      `_pouch_aftercare_${name}`,
    )

  const done = {}
  let lastPrint = 0
  while (!(done.point && done.master)) {
    const [p, m] = [await localCount(cfg.point_db), await localCount(cfg.master_db)]
    const s = (Date.now() - started) / 1000
    if (!done.point && p >= cfg.point_docs) done.point = s
    if (!done.master && m >= cfg.master_docs) done.master = s
    if (s - lastPrint >= 10) {
      console.log(`${s.toFixed(0)} s: ${cfg.point_db} ${p}/${cfg.point_docs}, ${cfg.master_db} ${m}/${cfg.master_docs}`)
      lastPrint = s
    }
    if (s > 900) throw new Error(`not synced after ${s} s: ${p}, ${m}`)
    await page.waitForTimeout(250)
  }
  const firstSync = Math.max(done.point, done.master)
  console.log(`synced: ${cfg.point_db} at ${done.point.toFixed(1)} s, ${cfg.master_db} at ${done.master.toFixed(1)} s`)

  // Let the app settle (status documents projected, photos queue idle) before cutting the network.
  await page.waitForTimeout(2000)
  await context.setOffline(true)
  const runs = []
  for (let i = 0; i < cfg.repeats; i++) {
    await page.goto(cfg.base + '/')
    await page.locator(tid('menu-repairOrders')).waitFor({ timeout: T })
    await page.waitForTimeout(500)
    let cdp = null
    if (process.env.BENCH_PROFILE && i === cfg.repeats - 1) {
      cdp = await context.newCDPSession(page)
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    const t0 = Date.now()
    await page.locator(tid('menu-repairOrders')).click()
    await page.locator(`${tid('orders-list')} .order-item`).first().waitFor({ timeout: T })
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    runs.push(Date.now() - t0)
    if (cdp) {
      await page.waitForTimeout(1500)
      const { profile } = await cdp.send('Profiler.stop')
      const self = new Map()
      const byId = new Map(profile.nodes.map((n) => [n.id, n]))
      const dt = profile.timeDeltas
      profile.samples.forEach((id, k) => {
        const f = byId.get(id).callFrame
        const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`
        self.set(key, (self.get(key) || 0) + (dt[k] || 0) / 1000)
      })
      console.log('profile (self ms): ' + [...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(' | '))
    }
    const measures = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('aftercare')).map((m) => `${m.name} ${Math.round(m.startTime)}+${Math.round(m.duration)} ms`))
    const rows = await page.locator('.order-item').count()
    assert.ok(rows < 100, `only the rows in view are rendered, not ${rows}`)
    const longTasks = await page.evaluate(() => window.__longTasks.join(' ') || 'none') + `; ${rows} rows rendered`
    console.log(`order list offline, run ${i + 1}: ${runs.at(-1)} ms (click at ${Math.round(await page.evaluate(() => performance.now())) - runs.at(-1)} ms; ${measures.join('; ')}; long tasks ${longTasks})`)
  }
  const shown = Number((await page.locator(`${tid('filter-all')} .filter-count`).innerText()).trim())
  assert.equal(shown, cfg.orders, 'the list counts every order of the point')
  await page.screenshot({ path: '../test-artifacts/bench-pwa-orders.png' }).catch(() => {})
  const sorted = [...runs].sort((a, b) => a - b)
  console.log(JSON.stringify({ first_sync_s: firstSync, point_s: done.point, master_s: done.master, list_ms: sorted[Math.floor(sorted.length / 2)], list_runs: runs }))
} finally {
  await browser.close()
}
