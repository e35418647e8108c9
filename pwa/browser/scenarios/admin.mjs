// Administration (issue 16, acceptance: "An admin creates a user, switches into SZ01 and un-audits an
// audited order"). The administrator opens the users, organisations and login-record lists (the
// workspace list, from the export's entries), creates an SZ01 clerk on the screen (a refused password
// shown at its field first), switches into that clerk (banner, reload), un-audits an audited SZ01
// order with a reason (none refused at the field), and leaves. The REST API then shows the order
// back at 已回访 and the audit log naming both the clerk and the administrator. Screenshots of every
// admin screen in English at TABLET size and in zh-CN at DESKTOP size (the zh-CN tablet steps shoot
// them as they go), the un-audit screen in both languages at both sizes; no page error.
import assert from 'node:assert/strict'
import { apiAs, BASE_URL, expectMenu, field, fontsReady, login, newContext, ok, requestsIdle, setLanguage, shot, T, TABLET, tid, withLuhn, go } from '../lib.mjs'

const DESKTOP = { width: 1440, height: 900 }
const SIG = 'data:image/png;base64,iVBORw0KGgo='

async function settle(page) {
  await requestsIdle(page)
  await page.locator('.q-notification').waitFor({ state: 'detached', timeout: 4000 }).catch(() => {})
  await fontsReady(page)
}

/** Choose in a workspace lookup: type, wait for the server's answer to that search, pick the option. */
async function pick(page, testId, text, optionText = text) {
  const input = field(page, testId)
  await input.click()
  const searched = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === text, { timeout: T })
  await input.fill(text)
  await searched
  const option = page.locator('.q-menu .q-item').filter({ hasText: optionText }).first()
  await option.waitFor({ timeout: T })
  await option.click()
  await page.locator('.q-menu').waitFor({ state: 'detached', timeout: T }).catch(() => {})
}

/** An SZ01 order taken in, returned unrepaired, picked up, followed up and audited (REST, as the point's people). */
async function auditedOrder(n) {
  const clerk = await apiAs('sz01.clerk')
  const manager = await apiAs('sz01.manager')
  const iw = (await manager('GET', '/api/warranty-statuses')).items.find((s) => s.rule === 'in_warranty')
  const tac = (await manager('GET', '/api/tacs?page_size=5')).items[n % 5]
  const symptom = (await manager('GET', '/api/fault-symptoms?page_size=1')).items[0]
  const { order } = await clerk('POST', '/api/repair/orders', {
    customer_name: '周建华', customer_phone: `1391234${String(5600 + n)}`,
    imei: withLuhn(tac.code + String(Date.now()).slice(-5) + n), symptom_ids: [symptom.id], fault_description: '屏幕闪烁',
    warranty_status_id: iw.id, warranty_override_reason: '凭发票在保',
  })
  const fire = (call, event, body = {}) => call('POST', `/api/repair/orders/${order.id}/${event.replace(/_/g, '-')}`, body)
  await fire(clerk, 'return_unrepaired', { reason: '客户决定不修' })
  await fire(clerk, 'pickup', { signature: SIG })
  await fire(manager, 'follow_up', { satisfaction: 5 })
  const audited = (await fire(manager, 'audit')).order
  assert.equal(audited.state, 'audited')
  return audited
}

/** Every admin screen once, in the language shown (`tag`: lang-size), each checked before its screenshot. */
async function tour(page, tag, { userId, orgId }) {
  const screens = [
    ['users', '/workspace/users', () => page.locator(tid('ws-table')).getByText('sz01.clerk').first()],
    ['user-new', '/admin/users/new', () => page.locator(tid('admin-role-clerk'))],
    ['user', `/admin/users/${userId}`, () => page.locator(tid('admin-user-actions'))],
    ['organisations', '/workspace/organisations', () => page.locator(tid('ws-table')).getByText('深圳南山服务点').first()],
    ['organisation-new', '/admin/organisations/new', () => page.locator(tid('admin-org-save'))],
    ['organisation', `/admin/organisations/${orgId}`, () => page.locator(tid('admin-org-title'))],
    ['login-records', '/workspace/login-records', () => page.locator(tid('ws-table')).getByText('admin').first()],
    ['switch-user', '/switch-user', () => page.locator(tid('switch-table')).getByText('sz01.clerk').first()],
  ]
  for (const [name, path, ready] of screens) {
    await go(page, path)
    await ready().waitFor({ timeout: T })
    await settle(page)
    await shot(page, `admin-${name}-${tag}`)
  }
  ok(`every admin screen drawn (${tag})`)
}

async function leave(page) {
  await page.locator(tid('acting-leave')).click()
  await page.locator(tid('acting-banner')).waitFor({ state: 'detached', timeout: T })
  await page.locator(tid('switch-user-page')).waitFor({ timeout: T })
}

export const scenarios = {
  async admin(browser) {
    const admin = await apiAs('admin')
    const order = await auditedOrder(1)
    const spare = await auditedOrder(2) // stays audited: the desktop screenshots' list shows it
    const sz01 = (await admin('GET', '/api/organisations?q=SZ01')).items.find((o) => o.code === 'SZ01')
    const username = `sz01.new${String(Date.now()).slice(-5)}`

    const { context, page } = await newContext(browser, TABLET)
    await page.goto(BASE_URL + '/login')
    await login(page, 'admin')
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    await expectMenu(page, ['home', 'organisations', 'users', 'loginRecords', 'switchUser'], ['unaudit'])
    ok('admin sees the lists and 切换用户; 反审核 only once switched in')

    // -- the lists are the workspace's -------------------------------------------------------
    await page.locator(tid('menu-users')).click()
    await page.waitForURL(/\/workspace\/users$/, { timeout: T })
    await page.locator(tid('ws-table')).getByText('sz01.clerk').first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'admin-01-users-zh-tablet')
    ok('用户权限 opens the workspace list of users')

    // -- a user created on the screen ----------------------------------------------------------
    await page.locator(tid('ws-new')).click()
    await page.locator(tid('admin-user-page')).waitFor({ timeout: T })
    await field(page, 'admin-user-username').fill(username)
    await field(page, 'admin-user-full_name').fill('陈小雨')
    await field(page, 'admin-user-password').fill('short')
    await pick(page, 'admin-user-org_id', 'SZ01', '深圳福田服务中心')
    await page.locator(tid('admin-role-clerk')).click()
    await page.locator(tid('admin-user-save')).click()
    const pwBox = page.locator('.q-field', { has: field(page, 'admin-user-password') })
    // a leaving (empty) message box can sit beside the new one while Quasar's transition runs
    const pwMessage = pwBox.locator('.q-field__messages').filter({ hasText: /[\u4e00-\u9fff]/ })
    await pwMessage.waitFor({ timeout: T })
    assert.match(page.url(), /\/admin\/users\/new$/)
    assert.equal((await admin('GET', `/api/users?q=${username}`)).items.length, 0, 'a refused user is not created')
    await settle(page)
    await shot(page, 'admin-02-user-new-refused-zh-tablet')
    ok(`a too-short password is refused at its field, in Chinese: ${(await pwMessage.innerText()).trim()}`)

    await field(page, 'admin-user-password').fill('Counter-2026')
    await page.locator(tid('admin-user-save')).click()
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/, { timeout: T })
    await page.locator(tid('admin-user-title')).getByText(username).waitFor({ timeout: T })
    const userId = page.url().split('/').pop()
    const created = await admin('GET', `/api/users/${userId}`)
    assert.deepEqual([created.username, created.org_id, created.roles, created.active], [username, sz01.id, ['clerk'], true])
    await settle(page)
    await shot(page, 'admin-03-user-created-zh-tablet')
    ok(`user ${username} created at SZ01 as a clerk, opened on its screen`)

    // -- organisations and the login record ----------------------------------------------------
    await page.locator(tid('menu-organisations')).click()
    await page.waitForURL(/\/workspace\/organisations$/, { timeout: T })
    await page.locator(tid('ws-table')).getByText('深圳福田服务中心').first().click()
    await page.locator(tid('admin-org-title')).getByText('SZ01').waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'admin-04-organisation-zh-tablet')
    await page.locator(tid('menu-loginRecords')).click()
    await page.waitForURL(/\/workspace\/login-records$/, { timeout: T })
    await page.locator(tid('ws-table')).getByText('admin').first().waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'admin-05-login-records-zh-tablet')
    ok('服务网点 and 登录情况 open the workspace lists; a service point opens its screen')

    // -- switched into the new SZ01 clerk ------------------------------------------------------
    await page.locator(tid('menu-switchUser')).click()
    await field(page, 'switch-search').fill(username)
    const row = page.locator(tid(`switch-to-${username}`))
    await row.waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'admin-06-switch-user-zh-tablet')
    await row.click()
    await page.locator('.q-dialog').getByRole('button', { name: '切换为此用户' }).click()
    const banner = page.locator(tid('acting-banner'))
    await banner.waitFor({ timeout: T })
    assert.match(await banner.innerText(), /系统管理员.*陈小雨/s)
    await page.locator(tid('home-page')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('header-user')).innerText(), /陈小雨/)
    assert.equal(await page.locator(tid('menu-switchUser')).count(), 0, 'no switching again while acting')
    await page.reload()
    await banner.waitFor({ timeout: T })
    await expectMenu(page, ['unaudit'], ['switchUser'])
    ok('admin acts as 陈小雨 (SZ01) with a banner naming both; it survives a reload; 反审核 is offered')

    // -- 反审核 on the screen --------------------------------------------------------------------
    await page.locator(tid('menu-unaudit')).click()
    await page.locator(tid('admin-unaudit-page')).waitFor({ timeout: T })
    assert.match(await page.locator(tid('admin-unaudit-banner')).innerText(), /系统管理员.*陈小雨/s)
    const button = page.locator(tid(`unaudit-${order.number}`)).first()
    await button.waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'admin-07-unaudit-zh-tablet')
    await button.click()
    const dialog = page.locator(tid('admin-unaudit-dialog'))
    await dialog.waitFor({ timeout: T })
    await page.locator(tid('admin-unaudit-confirm')).click()
    const reasonBox = dialog.locator('.q-field', { has: field(page, 'admin-unaudit-reason') })
    // Quasar animates field messages: while the old one leaves, two message boxes exist; read the one with words.
    const reasonMessage = reasonBox.locator('.q-field__messages').filter({ hasText: /[\u4e00-\u9fff]/ })
    await reasonMessage.waitFor({ timeout: T })
    assert.equal((await admin('GET', `/api/repair/orders/${order.id}`)).order.state, 'audited', 'nothing changes without a reason')
    await fontsReady(page)
    await shot(page, 'admin-08-unaudit-no-reason-zh-tablet')
    ok(`un-audit without a reason is refused at the field: ${(await reasonMessage.innerText()).trim()}`)

    const reason = '审核时漏录配件，退回更正'
    await field(page, 'admin-unaudit-reason').fill(reason)
    await page.locator(tid('admin-unaudit-confirm')).click()
    await dialog.waitFor({ state: 'detached', timeout: T })
    await page.locator('.q-notification').filter({ hasText: order.number }).waitFor({ timeout: T })
    await page.locator(tid(`unaudit-${order.number}`)).waitFor({ state: 'detached', timeout: T })
    await fontsReady(page)
    await shot(page, 'admin-09-unaudited-zh-tablet')
    ok(`${order.number} un-audited on the screen; it leaves the list of audited orders`)

    // -- what the server recorded --------------------------------------------------------------
    const manager = await apiAs('sz01.manager')
    const after = await manager('GET', `/api/repair/orders/${order.id}`)
    assert.equal(after.order.state, 'followed_up', 'back to 已回访: it had been followed up')
    assert.equal(after.order.audited_at ?? null, null)
    const last = after.transitions.at(-1)
    assert.deepEqual([last.event, last.from_state, last.to_state], ['unaudit', 'audited', 'followed_up'])
    assert.deepEqual(last.data, { reason, acting_admin: 'admin' })
    const rows = (await admin('GET', '/api/audit-log?action=repair_order.unaudit&page_size=100')).items.filter((r) => r.entity_id === order.id)
    assert.equal(rows.length, 1, 'one audit row for the un-audit')
    const audit = rows[0]
    assert.deepEqual([audit.username, audit.actor_username, audit.user_id, audit.actor_id], [username, 'admin', userId, (await admin('GET', '/api/auth/me')).user.id])
    assert.equal(audit.after.reason, reason)
    ok(`REST: ${order.number} is followed_up again; the audit log names ${username} acting and admin behind it`)

    // The same screen in English, with the order left audited on it.
    await setLanguage(page, 'en')
    await page.locator(tid(`unaudit-${spare.number}`)).first().waitFor({ timeout: T })
    await page.locator(tid('admin-unaudit-banner')).getByText(/acting as 陈小雨/).waitFor({ timeout: T })
    await settle(page)
    await shot(page, 'admin-unaudit-en-tablet')

    await leave(page)
    assert.match(await page.locator(tid('header-user')).innerText(), /系统管理员/)
    await settle(page)
    await shot(page, 'admin-10-after-leave-en-tablet')
    ok('leave returns to the administrator')

    // -- every screen at tablet size, in English -------------------------------------------------
    const ids = { userId, orgId: sz01.id }
    await tour(page, 'en-tablet', ids)
    assert.deepEqual(page.errors, [])
    await context.close()

    // -- desktop: every screen in zh-CN; 反审核 switched in from the user's own screen, both languages --
    const desk = await newContext(browser, DESKTOP)
    const p = desk.page
    await p.goto(BASE_URL + '/login')
    await login(p, 'admin')
    await p.locator(tid('home-page')).waitFor({ timeout: T })
    if ((await p.evaluate(() => document.documentElement.lang)) !== 'zh-CN') await setLanguage(p, 'zh-CN')
    await tour(p, 'zh-desktop', ids)
    await p.goto(`${BASE_URL}/admin/users/${userId}`)
    await p.locator(tid('admin-user-switch')).click()
    await p.locator('.q-dialog').getByRole('button', { name: '切换为此用户' }).click()
    await p.locator(tid('acting-banner')).waitFor({ timeout: T })
    await p.locator(tid('home-page')).waitFor({ timeout: T }) // the switch reloads the app: click after it
    await p.locator(tid('menu-unaudit')).click()
    await p.locator(tid(`unaudit-${spare.number}`)).first().waitFor({ timeout: T })
    await settle(p)
    await shot(p, 'admin-unaudit-zh-desktop')
    await setLanguage(p, 'en')
    await p.locator(tid('admin-unaudit-banner')).getByText(/acting as 陈小雨/).waitFor({ timeout: T })
    await settle(p)
    await shot(p, 'admin-unaudit-en-desktop')
    await leave(p)
    await p.locator(tid('header-user')).getByText(/系统管理员/).waitFor({ timeout: T })
    ok('switched in from the user\'s screen too; desktop screens in zh-CN, the un-audit screen in en')
    assert.deepEqual(p.errors, [])
    await desk.context.close()
  },
}
