// The left drawer's entries. An entry shows when the user holds its permission
// (from /api/auth/me) and the server's catalogue (/api/meta/permissions) still
// lists that permission; the server decides, the menu only follows.
import {
  matDashboard, matSwitchAccount, matAddToPhotos, matListAlt, matQrCodeScanner,
} from '@quasar/extras/material-icons'
import { menu as workshopMenu } from './workshop.js'
import { menu as backofficeMenu } from './backoffice.js'
import { menu as counterMenu } from './counter.js'
import { menu as hqMenu } from './hq.js'
import { menu as adminMenu } from './admin.js'
import { menu as financeMenu } from './finance.js'
import { menu as frontdeskMenu } from './frontdesk.js'
import { menu as swapMenu } from './swap.js'
import { menu as exchangeMenu } from './exchange.js'
import { menu as purchaseMenu } from './purchase.js'
import { menu as wholesaleMenu } from './wholesale.js'
import { menu as retailMenu } from './retail.js'
import { menu as transferMenu } from './transfer.js'
import { menu as claimsMenu } from './claims.js'
import { menu as commissionsMenu } from './commissions.js'
import { menu as reportsMenu } from './reports.js'

export const MENU = [
  { key: 'home', route: 'home', icon: matDashboard, permission: null, section: 'workbench' },
  { key: 'repairIntake', route: 'repair-intake', icon: matAddToPhotos, permission: 'repair.intake', section: 'counter' },
  // The counter's list reads the point database on the device; users without one (headquarters)
  // get the online list instead (the workspace's repair-orders entry, menu.point_db false).
  { key: 'repairOrders', route: 'repair-orders', icon: matListAlt, permission: 'repair.view', section: 'counter', pointDb: true },
  { key: 'repairPickup', route: 'repair-pickup', icon: matQrCodeScanner, permission: 'repair.pickup', section: 'counter' },
  ...workshopMenu,
  ...backofficeMenu,
  ...counterMenu,
  ...frontdeskMenu,
  ...swapMenu,
  ...exchangeMenu,
  ...purchaseMenu,
  ...wholesaleMenu,
  ...retailMenu,
  ...transferMenu,
  ...claimsMenu,
  ...hqMenu,
  ...financeMenu,
  ...commissionsMenu,
  ...reportsMenu,
  ...adminMenu,
  { key: 'switchUser', route: 'switch-user', icon: matSwitchAccount, permission: 'admin.switch_user', section: 'advanced', hideWhileActing: true },
]

// 'warehouse' holds the document workspace's entries, one per document type the server describes
// for the user (stores/workspace.js): they come from the server, not from MENU.
export const SECTIONS = ['workbench', 'counter', 'workshop', 'trade', 'warehouse', 'backOffice', 'baseData', 'system', 'advanced']

/** Entries the user may see: [{...entry}] in menu order. */
export function visibleEntries({ permissions = [], catalogue = null, acting = false, pointDb = null } = {}) {
  const granted = new Set(permissions)
  const known = catalogue?.permissions ? new Set(Object.keys(catalogue.permissions)) : null
  return MENU.filter((e) => {
    if (e.hideWhileActing && acting) return false
    if (e.pointDb === true && pointDb === false) return false // `pointDb`: null when not known
    if (e.onlyWhileActing && !acting) return false
    if (!e.permission) return true
    return granted.has(e.permission) && (!known || known.has(e.permission))
  })
}

/** The same entries grouped by section, empty sections left out; `extra` entries (the workspace's,
 *  already filtered by the server) join their sections. */
export function menuSections(opts, extra = []) {
  const entries = [...visibleEntries(opts), ...extra]
  return SECTIONS.map((section) => ({ section, entries: entries.filter((e) => e.section === section) })).filter((s) => s.entries.length)
}
