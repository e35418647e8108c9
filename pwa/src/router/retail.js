// Retail (零售, issue 18 §7): the counter's sale (scan, scan, pay, print; offline from the point
// database), its sales (returns from there), the day's cash-up, and the stock exceptions the
// warehouse resolves (online). Drawer entries in the counter section, words in i18n/retail.*.js.
import { matPointOfSale, matReceiptLong, matSavings, matReportProblem } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'retail/sale', name: 'retail-sale', component: () => import('../pages/retail/RetailSalePage.vue'), meta: { permission: 'retail.sell', titleKey: 'menu.retailSale' } },
  { path: 'retail/sales', name: 'retail-sales', component: () => import('../pages/retail/RetailSalesPage.vue'), meta: { permission: 'retail.view', titleKey: 'menu.retailSales' } },
  { path: 'retail/cashup', name: 'retail-cashup', component: () => import('../pages/retail/RetailCashupPage.vue'), meta: { permission: 'retail.cashup', titleKey: 'menu.retailCashup' } },
  { path: 'retail/exceptions', name: 'retail-exceptions', component: () => import('../pages/retail/RetailExceptionsPage.vue'), meta: { permission: 'retail.view', titleKey: 'menu.retailExceptions' } },
]

export const menu = [
  { key: 'retailSale', route: 'retail-sale', icon: matPointOfSale, permission: 'retail.sell', section: 'counter', pointDb: true },
  { key: 'retailSales', route: 'retail-sales', icon: matReceiptLong, permission: 'retail.view', section: 'counter', pointDb: true },
  { key: 'retailCashup', route: 'retail-cashup', icon: matSavings, permission: 'retail.cashup', section: 'counter', pointDb: true },
  { key: 'retailExceptions', route: 'retail-exceptions', icon: matReportProblem, permission: 'retail.exceptions', section: 'warehouse' },
]
