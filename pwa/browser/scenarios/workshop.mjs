// The workshop (issue 7 item 6), against the real server, store and posting worker: two devices
// are taken in (intake events written through the sync proxy as a counter tablet would), the
// engineer accepts both from the queue, repairs the first (requisition, part used, repair done),
// QC passes it, QC hands it to the clerk who signs, and the courier packs the second into a box to
// the factory, sends it and checks it back in. Every step is an event document the worker posts;
// the screens show the posted statuses. Screenshots at 1024×768 and 390×844, Chinese and English.
import assert from 'node:assert/strict'
import { BASE_URL, COUNTER, PHONE, T, apiAs, field, fontsReady, login, logout, newContext, ok, setLanguage, shot, sign, tid, withLuhn } from '../lib.mjs'
import { uuidv7 } from '../../src/sync/ids.js'

const POSTED = 90_000

async function apiLogin(username) {
  const call = await apiAs(username)
  const me = await call('GET', '/api/auth/me')
  return { call, me: me.user }
}

function luhnImei(tac, serial) {
  return withLuhn(tac + String(serial).padStart(6, '0').slice(-6))
}

function rfc3339(d = new Date()) {
  return d.toISOString().replace('Z', '+00:00')
}

/**
 * Data the workshop starts from: two devices taken in at SZ01 (intake events through the sync
 * proxy, exactly as a counter tablet writes them), and screens in stock (a posted goods receipt).
 */
async function prepare() {
  const clerk = await apiLogin('sz01.clerk')
  const tacs = await clerk.call('GET', '/api/tacs?page_size=5')
  const tac = tacs.items[0]
  const model = await clerk.call('GET', `/api/models/${tac.model_id}`)
  const stamp = Date.now()
  const devices = [0, 1].map((i) => {
    const id = uuidv7()
    const code = `WSHP${i}-${String(stamp).slice(-4)}`
    return {
      code,
      imei: luhnImei(tac.code, stamp + i * 7),
      doc: {
        _id: id, type: 'repair_intake', org: clerk.me.org_id, user_id: clerk.me.id, device_id: 'WSHOP', created_at: rfc3339(new Date(Date.now() - (2 - i) * 3_600_000)),
        order_id: id, imei: '', customer_name: i ? '李娜' : '陈晓明', customer_phone: i ? '13800138001' : '13912340001', model_id: tac.model_id,
        fault_description: i ? '进水后无法开机，需返厂检测主板' : '屏幕碎裂，触摸失灵', appearance_note: i ? '背壳有划痕' : '屏幕左上角碎裂', provisional_code: code,
      },
    }
  })
  for (const d of devices) d.doc.imei = d.imei
  const res = await clerk.call('POST', '/sync/sp_sz01/_bulk_docs', { docs: devices.map((d) => d.doc) })
  assert.ok(res.every((r) => r.ok), `intakes written: ${JSON.stringify(res)}`)

  const wh = await apiLogin('sz01.warehouse')
  const goods = (await wh.call('GET', '/api/warehouses?kind=good&page_size=50')).items.find((w) => w.org_id === wh.me.org_id)
  const supplier = (await wh.call('GET', '/api/parties?role=supplier&page_size=50')).items[0]
  const parts = (await wh.call('GET', `/api/items?model_id=${tac.model_id}&kind=part&page_size=100`)).items.filter((i) => !i.serialized)
  const screen = parts.find((p) => p.code.endsWith('-SCR')) || parts[0]
  const receipt = await wh.call('POST', '/api/stock/goods-receipts', { kind: 'purchase', party_id: supplier.id, warehouse_id: goods.id, lines: [{ item_id: screen.id, quantity: '5', unit_cost: '100' }] })
  await wh.call('POST', `/api/stock/goods-receipts/${receipt.id}/post`)
  return { devices, model, screen }
}

/** Before a screenshot: no hover on the last button clicked, no menu fading out, fonts loaded. */
async function settle(page, { top = true } = {}) {
  await page.mouse.move(2, 2)
  if (top) await page.evaluate(() => window.scrollTo(0, 0))
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
  await fontsReady(page)
}

async function openApp(browser, viewport, username, extra) {
  const ctx = await newContext(browser, viewport, extra)
  await ctx.page.goto(BASE_URL + '/login')
  await login(ctx.page, username)
  await ctx.page.locator(tid('home-page')).waitFor({ timeout: T })
  await ctx.page.locator(`${tid('sync-indicator')}[data-state="online"]`).waitFor({ timeout: 60_000 })
  return ctx
}

export const scenarios = {
  async workshop(browser) {
    const { devices, model, screen } = await prepare()
    const [one, two] = devices
    ok(`two devices taken in (${one.code}, ${two.code}, ${model.name}); ${screen.name} in stock`)

    // -- the engineer: queue, accept, start, parts, repair done ------------------------------------
    const eng = await openApp(browser, COUNTER, 'sz01.engineer')
    let page = eng.page
    await page.locator(tid('menu-workshopQueue')).click()
    await page.locator(tid('ws-queue-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-tab-toAccept')).click()
    const card1 = page.locator(tid(`ws-card-${one.code}`))
    await card1.locator(tid('ws-number')).filter({ hasText: /^WX-SZ01-/ }).waitFor({ timeout: POSTED })
    await page.locator(tid(`ws-card-${two.code}`)).waitFor({ timeout: T })
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-01-queue-to-accept-zh-tablet')
    const number1 = (await card1.locator(tid('ws-number')).innerText()).trim()
    ok(`the engineer's queue shows both devices to accept (${number1})`)

    // Offline: the workshop works from the local copy; the events wait on the device.
    await eng.context.setOffline(true)
    await page.locator(`${tid('sync-indicator')}[data-state="offline"]`).waitFor({ timeout: T })
    await page.locator(tid('ws-offline')).waitFor({ timeout: T })
    await page.locator(tid(`ws-accept-${one.code}`)).click()
    await page.locator(tid(`ws-accept-${two.code}`)).click()
    await page.locator(tid('ws-tab-toStart')).click()
    await page.locator(tid(`ws-start-${one.code}`)).waitFor({ timeout: T })
    await page.locator(tid(`ws-card-${two.code}`)).locator(tid('events-pending')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-02-queue-to-repair-offline-zh-tablet')
    await eng.context.setOffline(false)
    await page.locator(tid(`ws-card-${two.code}`)).locator(tid('events-pending')).waitFor({ state: 'detached', timeout: POSTED })
    ok('accepted both offline (events kept on the device); back online they posted and wait for repair')

    // The clerk who took it in hands the device over: the engineer receives it and signs.
    await page.locator(tid('menu-workshopHandover')).click()
    await page.locator(tid('ws-handover-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-user-sz01.engineer')).click()
    await field(page, 'scan-input').fill(one.code)
    await page.locator(tid('scan-submit')).click()
    await page.locator(tid(`ws-handover-${one.code}`)).waitFor({ timeout: T })
    await sign(page)
    await page.locator(tid('ws-handover-confirm')).click()
    await page.locator(tid('ws-handover-recent')).locator(tid('ws-sync-posted')).first().waitFor({ timeout: POSTED })
    ok('the engineer received the device on a signed handover slip (posted)')

    await page.locator(tid('menu-workshopQueue')).click()
    await page.locator(tid('ws-tab-toStart')).click()
    await page.locator(tid(`ws-start-${one.code}`)).click()
    await page.locator(tid('ws-job-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-parts')).waitFor({ timeout: T })
    await page.locator(tid('ws-requisition')).click()
    await page.locator(tid('ws-req-dialog')).waitFor({ timeout: T })
    await page.locator(tid('ws-req-part')).click()
    await page.locator('.q-menu .q-item').filter({ hasText: screen.name }).first().click()
    await settle(page)
    // Two drawn: one is fitted, the other goes back unused.
    await page.locator(tid('ws-req-more')).click()
    assert.equal((await page.locator(tid('ws-req-qty')).innerText()).trim(), '2')
    await shot(page, 'workshop-03-requisition-zh-tablet')
    await page.locator(tid('ws-req-ok')).click()
    const partRow = page.locator(tid(`ws-part-${screen.code}`))
    await partRow.waitFor({ timeout: T })
    // The requisition posts (LL number in the work log) before the part is fitted.
    await page.locator(tid('ws-job-log')).getByText(/LL-SZ01-/).waitFor({ timeout: POSTED })
    ok('started the repair and drew a screen: the requisition posted')

    await page.locator(tid(`ws-use-${screen.code}`)).click()
    await page.locator(tid('ws-use-dialog-ok')).click()
    await partRow.locator(tid('ws-part-used')).getByText('1', { exact: true }).waitFor({ timeout: T })
    await page.locator(tid(`ws-return-${screen.code}`)).click()
    await page.locator(tid('ws-return-dialog-ok')).click()
    await partRow.locator(tid('ws-part-returned')).getByText('1', { exact: true }).waitFor({ timeout: T })
    assert.equal(await page.locator(tid(`ws-use-${screen.code}`)).count(), 0, 'nothing left in hand')
    ok('the unused screen went back to the warehouse (surplus return)')
    await page.locator(tid('ws-finish-level')).click()
    await page.locator('.q-menu .q-item').first().click()
    await page.locator(tid('ws-finish-methods')).click()
    await page.locator('.q-menu .q-item').first().click()
    await page.keyboard.press('Escape')
    await field(page, 'ws-finish-note').fill('更换屏幕总成，测试触摸正常')
    await page.locator(tid('ws-job-log')).locator(tid('ws-sync-posted')).nth(4).waitFor({ timeout: POSTED })
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-04-job-in-repair-zh-tablet')
    await page.locator(tid('ws-finish-btn')).click()
    await page.locator(tid('ws-job-done')).waitFor({ timeout: T })
    await page.locator(`${tid('ws-job-page')} ${tid('state-pending_qc')}`).waitFor({ timeout: T })
    // Every event of the job posted: intake, accept, start, requisition, return, part used, repair done.
    await page.locator(tid('ws-job-log')).locator(tid('ws-sync-posted')).nth(6).waitFor({ timeout: POSTED })
    assert.equal(await page.locator(tid('ws-job-log')).locator(tid('ws-sync-rejected')).count(), 0)
    await settle(page)
    await shot(page, 'workshop-05-job-done-zh-tablet')
    ok('part marked used, the spare returned, repair done: all seven events posted, the order waits for QC')

    await setLanguage(page, 'en')
    await page.getByText('Work log').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-06-job-done-en-tablet')
    await page.locator(tid('menu-workshopQueue')).click()
    await page.locator(tid('ws-tab-toStart')).click()
    await page.locator(tid(`ws-card-${two.code}`)).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-07-queue-en-tablet')
    ok('English job and queue screens')
    assert.deepEqual(page.errors, [])
    await eng.context.close()

    // -- QC: pass, then hand the device to the clerk -------------------------------------------------
    const qc = await openApp(browser, COUNTER, 'sz01.qc')
    page = qc.page
    await page.locator(tid('menu-workshopQc')).click()
    await page.locator(tid('ws-qc-page')).waitFor({ timeout: T })
    await page.locator(tid(`ws-card-${one.code}`)).click()
    await page.locator(tid('ws-qc-detail')).waitFor({ timeout: T })
    await page.locator(tid('ws-qc-parts')).getByText(screen.name).waitFor({ timeout: POSTED })
    await page.locator(tid('ws-qc-checks')).locator('.q-checkbox').nth(0).click()
    await page.locator(tid('ws-qc-checks')).locator('.q-checkbox').nth(1).click()
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-08-qc-zh-tablet')
    await page.locator(tid('ws-qc-fail')).click()
    await page.locator(tid('ws-qc-fail-dialog-ok')).click()
    await page.getByText('请填写不通过的原因').waitFor({ timeout: T })
    await page.keyboard.press('Escape')
    await page.locator(tid('ws-qc-pass')).click()
    await page.locator(tid('ws-qc-decided')).locator(tid('ws-sync-posted')).waitFor({ timeout: POSTED })
    await settle(page)
    await shot(page, 'workshop-09-qc-passed-zh-tablet')
    ok('QC: a fail needs a reason; the pass posted')

    await page.locator(tid('menu-workshopHandover')).click()
    await page.locator(tid('ws-handover-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-user-sz01.clerk')).click()
    await field(page, 'scan-input').fill('123')
    await page.locator(tid('scan-submit')).click()
    await page.getByText('IMEI 不正确').waitFor({ timeout: T })
    await field(page, 'scan-input').fill(one.imei)
    await page.locator(tid('scan-submit')).click()
    await page.locator(tid(`ws-handover-${one.code}`)).waitFor({ timeout: T })
    await field(page, 'scan-input').fill(one.imei)
    await page.locator(tid('scan-submit')).click()
    await page.getByText('这台机器已在移交清单里').waitFor({ timeout: T })
    await page.locator(tid('ws-handover-confirm')).click()
    await page.locator(tid('ws-handover-problem')).getByText('请接收人签字').waitFor({ timeout: T })
    await sign(page)
    await fontsReady(page)
    await settle(page, { top: false })
    await shot(page, 'workshop-10-handover-zh-tablet')
    await page.locator(tid('ws-handover-confirm')).click()
    await page.locator(tid('ws-handover-recent')).locator(tid('ws-sync-posted')).first().waitFor({ timeout: POSTED })
    await settle(page)
    await shot(page, 'workshop-11-handover-posted-zh-tablet')
    ok('handover: receiver picked, device scanned (bad and duplicate scans refused), the clerk signed; posted')
    await setLanguage(page, 'en')
    await page.getByText('Recent handovers').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-12-handover-en-tablet')
    assert.deepEqual(page.errors, [])
    await qc.context.close()

    // -- the courier: a box to the factory, sent, checked back in --------------------------------------
    const cr = await openApp(browser, COUNTER, 'sz01.courier')
    page = cr.page
    await page.locator(tid('menu-workshopPacking')).click()
    await page.locator(tid('ws-packing-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-box-new')).click()
    await page.locator(tid('ws-box-create')).click()
    await page.getByText('请选择厂家').waitFor({ timeout: T })
    await page.locator(tid('ws-box-maker')).click()
    await page.locator('.q-menu .q-item').first().click()
    await field(page, 'ws-box-carrier').fill('顺丰速运')
    await field(page, 'ws-box-tracking').fill('SF1234567890')
    await settle(page)
    await shot(page, 'workshop-13-box-new-zh-tablet')
    await page.locator(tid('ws-box-create')).click()
    await page.locator(tid('ws-box-page')).waitFor({ timeout: T })
    await page.locator(tid('ws-box-empty')).waitFor({ timeout: T })
    // The repaired device may not go (waiting for pickup); an unknown IMEI is refused; the other goes in once.
    await field(page, 'scan-input').fill(one.imei)
    await page.locator(tid('scan-submit')).click()
    await page.getByText('不能装箱').waitFor({ timeout: T })
    await field(page, 'scan-input').fill(two.imei)
    await page.locator(tid('scan-submit')).click()
    await page.locator(tid(`ws-line-${two.code}`)).waitFor({ timeout: T })
    await field(page, 'scan-input').fill(two.imei)
    await page.locator(tid('scan-submit')).click()
    await page.getByText('这台机器已在本箱第 1 行').waitFor({ timeout: T })
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-14-box-packing-zh-tablet')
    ok('packing: a device the machine refuses and a second scan are refused at the box')

    await page.locator(tid('ws-box-send')).click()
    await page.locator(tid('ws-send-dialog-ok')).click()
    const title = page.locator(tid('ws-box-title'))
    await title.getByText(/^ZX-SZ01-/).waitFor({ timeout: POSTED })
    await page.locator(tid('ws-box-state-in_transit')).first().waitFor({ timeout: T })
    const zx = (await title.innerText()).trim()
    await settle(page)
    await shot(page, 'workshop-15-box-sent-zh-tablet')
    ok(`sent: the packing list posted as ${zx}, the device is in transit`)

    await field(page, 'scan-input').fill(two.imei)
    await page.locator(tid('scan-submit')).click()
    await page.getByText('请接收人先签字').waitFor({ timeout: T })
    await sign(page)
    await field(page, 'scan-input').fill(two.imei)
    await page.locator(tid('scan-submit')).click()
    await page.locator(tid('ws-line-state-received')).waitFor({ timeout: T })
    await page.locator(tid('ws-box-state-receiving')).waitFor({ timeout: POSTED })
    await settle(page, { top: false })
    await shot(page, 'workshop-16-box-received-zh-tablet')
    await page.locator(tid('ws-box-close')).click()
    await page.locator(tid('ws-close-dialog-ok')).click()
    await page.locator(tid('ws-box-state-closed')).waitFor({ timeout: POSTED })
    ok('checked back in with the receiver’s signature and closed')

    await page.locator(tid('menu-workshopPacking')).click()
    await page.locator(tid('ws-lists')).getByText(zx).waitFor({ timeout: T })
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-17-packing-lists-zh-tablet')
    await setLanguage(page, 'en')
    await page.getByText('Packing lists').first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-18-packing-lists-en-tablet')
    assert.deepEqual(page.errors, [])
    await logout(page)
    await cr.context.close()

    // -- the server agrees ---------------------------------------------------------------------------
    const mgr = await apiLogin('sz01.manager')
    let o1
    let o2
    for (let i = 0; i < 60; i++) {
      o1 = await mgr.call('GET', `/api/repair/orders/${one.doc._id}`)
      o2 = await mgr.call('GET', `/api/repair/orders/${two.doc._id}`)
      if (o2.order.state === 'pending_repair' && !o2.facts.forwarded_out && (o2.transitions || []).some((x) => x.event === 'forward_return')) break
      await new Promise((r) => setTimeout(r, 1000))
    }
    assert.equal(o1.order.state, 'pending_pickup')
    assert.equal(o1.order.number, number1)
    assert.ok((o1.transitions || []).some((x) => x.event === 'qc_pass'), 'qc_pass posted')
    assert.equal(o2.order.state, 'pending_repair')
    assert.equal(o2.facts.forwarded_out, false, 'the factory box came back')
    assert.ok(o2.transitions.some((x) => x.event === 'forward_return'), JSON.stringify(o2.transitions))
    ok('the server: the repaired device waits for pickup, the factory box came back')

    // -- phone size ------------------------------------------------------------------------------------
    const ph = await openApp(browser, PHONE, 'sz01.engineer', { isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    page = ph.page
    await page.goto(BASE_URL + '/workshop/queue')
    await page.locator(tid('ws-tab-toStart')).click()
    await page.locator(tid(`ws-card-${two.code}`)).waitFor({ timeout: 60_000 })
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-20-queue-zh-phone')
    await page.locator(tid(`ws-card-${two.code}`)).click()
    await page.locator(tid('ws-job-start')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-21-job-zh-phone')
    await page.goto(BASE_URL + `/workshop/orders/${one.doc._id}`)
    await page.locator(tid('ws-job-done')).waitFor({ timeout: T })
    await page.locator(tid('ws-job-log')).scrollIntoViewIfNeeded()
    await settle(page, { top: false })
    await shot(page, 'workshop-22-job-log-zh-phone')
    await setLanguage(page, 'en')
    await page.goto(BASE_URL + '/workshop/queue')
    await page.locator(tid('ws-queue-page')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-23-queue-en-phone')
    assert.deepEqual(page.errors, [])
    await ph.context.close()

    const phq = await openApp(browser, PHONE, 'sz01.courier', { isMobile: true, hasTouch: true, deviceScaleFactor: 2 })
    page = phq.page
    await page.goto(BASE_URL + '/workshop/packing')
    await page.locator(tid('ws-lists')).getByText(zx).waitFor({ timeout: 60_000 })
    await fontsReady(page)
    await settle(page)
    await shot(page, 'workshop-24-packing-zh-phone')
    await page.locator(tid('ws-lists')).getByText(zx).click()
    await page.locator(tid('ws-box-page')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-25-box-closed-zh-phone')
    await page.goto(BASE_URL + '/workshop/handover')
    await page.locator(tid('ws-users')).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'workshop-26-handover-zh-phone')
    ok('phone: queue, job, work log, packing lists, a closed box, handover')
    assert.deepEqual(page.errors, [])
    await phq.context.close()
  },
}
