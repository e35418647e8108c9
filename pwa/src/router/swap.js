// The accessory swap screens (issue 17 §6): the counter's intake and return, offline first
// (pages/swap/useSwap.js, swap/events.js), the factory steps and the swap history online. Their
// documents (附件受理单, 对换发厂单, 对换发回单, 归还客户单: list, detail, stock moves, print) are the
// workspace's, described by server/meta/family_swap.py. Menu entries in the counter section
// (`menu.<key>` in i18n/swap.*.js).
import { matAssignmentReturned, matBatteryChargingFull, matLocalShipping, matManageHistory } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'swap/intake', name: 'swap-intake', component: () => import('../pages/swap/SwapIntakePage.vue'), meta: { permission: 'swap.intake', titleKey: 'menu.swapIntake' } },
  { path: 'swap/return', name: 'swap-return', component: () => import('../pages/swap/SwapReturnPage.vue'), meta: { permission: 'swap.intake', titleKey: 'menu.swapReturn' } },
  { path: 'swap/factory', name: 'swap-factory', component: () => import('../pages/swap/SwapFactoryPage.vue'), meta: { permission: 'swap.factory', titleKey: 'menu.swapFactory' } },
  { path: 'swap/history', name: 'swap-history', component: () => import('../pages/swap/SwapHistoryPage.vue'), meta: { permission: 'swap.view', titleKey: 'menu.swapHistory' } },
]

export const menu = [
  { key: 'swapIntake', route: 'swap-intake', icon: matBatteryChargingFull, permission: 'swap.intake', section: 'counter' },
  { key: 'swapReturn', route: 'swap-return', icon: matAssignmentReturned, permission: 'swap.intake', section: 'counter' },
  { key: 'swapFactory', route: 'swap-factory', icon: matLocalShipping, permission: 'swap.factory', section: 'counter' },
  { key: 'swapHistory', route: 'swap-history', icon: matManageHistory, permission: 'swap.view', section: 'counter' },
]
