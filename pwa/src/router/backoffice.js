// The backoffice screens: their routes (children of the main layout) and menu entries
// (section 'backOffice'; `menu.<key>` and `menu.desc.<key>` in i18n/backoffice.*.js).
// Online only: each screen says so clearly when the device is offline.
import { matInsights, matInventory2, matStorage } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'backoffice/dashboard', name: 'backoffice-dashboard', component: () => import('../pages/backoffice/DashboardPage.vue'), meta: { permission: 'report.view', titleKey: 'menu.boDashboard' } },
  { path: 'backoffice/stock', name: 'backoffice-stock', component: () => import('../pages/backoffice/StockPage.vue'), meta: { permission: 'stock.view', titleKey: 'menu.boStock' } },
  // Base data lives in the document workspace (one list, form and record page for every kind the
  // server exports); the old address still leads there.
  {
    path: 'backoffice/basedata/:kind?',
    name: 'backoffice-basedata',
    redirect: (to) => (to.params.kind ? { name: 'workspace-list', params: { type: to.params.kind } } : { name: 'workspace-index', query: { family: 'basedata' } }),
    meta: { permission: 'basedata.view', titleKey: 'menu.boBaseData' },
  },
]

export const menu = [
  { key: 'boDashboard', route: 'backoffice-dashboard', icon: matInsights, permission: 'report.view', section: 'backOffice' },
  { key: 'boStock', route: 'backoffice-stock', icon: matInventory2, permission: 'stock.view', section: 'backOffice' },
  { key: 'boBaseData', route: 'backoffice-basedata', icon: matStorage, permission: 'basedata.view', section: 'backOffice' },
]
