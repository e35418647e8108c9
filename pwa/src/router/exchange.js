// The exchange counter (issue 17 §1): intake with the 三包 verdict, the counter's exchange orders and
// one order's page (its state, history, the actions the exported machine allows, print menu), offline
// first (pages/exchange/useExchange.js, exchange/*.js). The order as a document (list, filters,
// detail, audit, print) is also the workspace's (server/meta/family_exchange.py). Menu entries in
// the counter section (`menu.<key>` in i18n/exchange.*.js).
import { matPhonelinkSetup, matSwapHoriz } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'exchange/intake', name: 'exchange-intake', component: () => import('../pages/exchange/ExchangeIntakePage.vue'), meta: { permission: 'exchange.intake', titleKey: 'menu.exchangeIntake' } },
  { path: 'exchange/orders', name: 'exchange-orders', component: () => import('../pages/exchange/ExchangeOrdersPage.vue'), meta: { permission: 'exchange.view', titleKey: 'menu.exchangeOrders' } },
  { path: 'exchange/orders/:id', name: 'exchange-order', component: () => import('../pages/exchange/ExchangeOrderPage.vue'), meta: { permission: 'exchange.view', titleKey: 'exchange.order.title' } },
]

export const menu = [
  { key: 'exchangeIntake', route: 'exchange-intake', icon: matPhonelinkSetup, permission: 'exchange.intake', section: 'counter' },
  { key: 'exchangeOrders', route: 'exchange-orders', icon: matSwapHoriz, permission: 'exchange.view', section: 'counter', pointDb: true },
]
