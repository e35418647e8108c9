// The hq screens: routes (children of the main layout) and menu entries (`menu.<key>` in
// i18n/hq.*.js). Wired into router/index.js and router/menu.js.
// The online order list itself is the workspace's list of the `repair-orders` entry (server
// describer server/meta/family_repair.py); its rows open the order page below, which the list finds
// by the route name ws-<key>-detail.
import { matHistory } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'hq/orders/:id', name: 'ws-repair-orders-detail', component: () => import('../pages/hq/OrderPage.vue'), meta: { permission: 'repair.view', titleKey: 'repair.order.title' } },
  { path: 'imei/:imei?', name: 'hq-imei', component: () => import('../pages/hq/ImeiTimelinePage.vue'), meta: { permission: 'repair.view', titleKey: 'hq.imei.title' } },
]

export const menu = [
  { key: 'hqImei', route: 'hq-imei', icon: matHistory, permission: 'repair.view', section: 'backOffice' },
]
