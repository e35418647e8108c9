import { describe, expect, test } from 'vitest'
import { menuSections, visibleEntries } from '../src/router/menu.js'
import { routes as adminRoutes } from '../src/router/admin.js'
import { databasesFor, hasPointDatabase, localName, servicePointDb } from '../src/sync/names.js'

// The shape of /api/meta/permissions (server/auth/permissions.py).
const catalogue = {
  permissions: {
    'org.view': '', 'org.manage': '', 'user.view': '', 'user.manage': '', 'system.login_records': '',
    'audit.view': '', 'period.view': '', 'period.manage': '', 'admin.switch_user': '',
  },
}
const keys = (opts) => visibleEntries({ catalogue, ...opts }).map((e) => e.key)

describe('menu from permissions', () => {
  test('a counter clerk sees the workbench and the service points', () => {
    expect(keys({ permissions: ['org.view'] })).toEqual(['home', 'organisations'])
  })

  test('an administrator sees everything', () => {
    expect(keys({ permissions: Object.keys(catalogue.permissions) })).toEqual(['home', 'organisations', 'users', 'loginRecords', 'switchUser'])
  })

  test('a dealer sees only the workbench', () => {
    expect(keys({ permissions: [] })).toEqual(['home'])
  })

  test('switch user is hidden while acting as someone else', () => {
    expect(keys({ permissions: Object.keys(catalogue.permissions), acting: true })).not.toContain('switchUser')
  })

  test('a permission the catalogue no longer lists hides its entry', () => {
    const cat = { permissions: { 'org.view': '' } }
    expect(visibleEntries({ permissions: ['org.view', 'user.view'], catalogue: cat }).map((e) => e.key)).toEqual(['home', 'organisations'])
  })

  test('the counter entries follow the repair permissions', () => {
    const cat = { permissions: { 'repair.intake': '', 'repair.view': '', 'repair.pickup': '' } }
    expect(visibleEntries({ permissions: ['repair.view', 'repair.intake', 'repair.pickup'], catalogue: cat }).map((e) => e.key)).toEqual(['home', 'repairIntake', 'repairOrders', 'repairPickup', 'hqImei'])
    expect(visibleEntries({ permissions: ['repair.view'], catalogue: cat }).map((e) => e.key)).toEqual(['home', 'repairOrders', 'hqImei'])
  })

  test('without a point database the counter list leaves the menu (headquarters reads the online list)', () => {
    const cat = { permissions: { 'repair.view': '' } }
    expect(visibleEntries({ permissions: ['repair.view'], catalogue: cat, pointDb: false }).map((e) => e.key)).toEqual(['home', 'hqImei'])
    expect(visibleEntries({ permissions: ['repair.view'], catalogue: cat, pointDb: true }).map((e) => e.key)).toEqual(['home', 'repairOrders', 'hqImei'])
  })

  test('users, organisations and the login record open the workspace lists (the export’s entries)', () => {
    const entries = visibleEntries({ catalogue, permissions: Object.keys(catalogue.permissions) })
    const to = Object.fromEntries(entries.filter((e) => e.to).map((e) => [e.key, e.to]))
    expect(to).toEqual({
      organisations: { name: 'workspace-list', params: { type: 'organisations' } },
      users: { name: 'workspace-list', params: { type: 'users' } },
      loginRecords: { name: 'workspace-list', params: { type: 'login-records' } },
    })
    // The old tables' paths still lead there.
    const redirects = Object.fromEntries(adminRoutes.filter((r) => r.redirect).map((r) => [r.path, r.redirect.params.type]))
    expect(redirects).toEqual({ organisations: 'organisations', users: 'users', 'login-records': 'login-records' })
  })

  test('sections group entries and leave empty ones out', () => {
    expect(menuSections({ permissions: ['org.view'], catalogue }).map((s) => s.section)).toEqual(['workbench', 'baseData'])
  })
})

describe('database names', () => {
  test('a service point replicates its own database both ways and master data down', () => {
    expect(databasesFor({ kind: 'service_point', code: 'SZ01' })).toEqual([
      { name: 'sp_sz01', direction: 'both' },
      { name: 'master', direction: 'pull' },
    ])
  })

  test('headquarters replicates master data only', () => {
    expect(databasesFor({ kind: 'hq', code: 'HQ' })).toEqual([{ name: 'master', direction: 'pull' }])
    expect(databasesFor(null)).toEqual([{ name: 'master', direction: 'pull' }])
  })

  test('a point database of its own: a service point yes, headquarters no, unknown while not loaded', () => {
    expect(hasPointDatabase({ kind: 'service_point', code: 'SZ01' })).toBe(true)
    expect(hasPointDatabase({ kind: 'hq', code: 'HQ' })).toBe(false)
    expect(hasPointDatabase(null)).toBeNull()
  })

  test('codes are checked and lower-cased; local names are prefixed', () => {
    expect(servicePointDb('GZ01')).toBe('sp_gz01')
    expect(() => servicePointDb('../x')).toThrow()
    expect(localName('sp_sz01')).toBe('aftercare_sp_sz01')
  })
})
