// The frontdesk screens (issue 16, Build §4): the repair desk's actions that start from an order or
// a scanner — lend a loaner, ask for a refund, take in and hand back a distributor's batch. Their
// documents (备机单, 退款单, 批量受理单: list, detail, return/approve/refuse, ledgers, print) are the
// workspace's, described by server/meta/family_repairdesk.py. The desk writes sync events, offline
// first (pages/frontdesk/useDesk.js, repair/desk.js). Menu entries in the counter section
// (`menu.<key>` in i18n/frontdesk.*.js).
import { matAssignmentReturn, matCurrencyExchange, matInventory2, matPhonelinkRing } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'frontdesk/lend', name: 'frontdesk-lend', component: () => import('../pages/frontdesk/LendLoanerPage.vue'), meta: { permission: 'repair.loaner', titleKey: 'menu.frontdeskLend' } },
  { path: 'frontdesk/refund', name: 'frontdesk-refund', component: () => import('../pages/frontdesk/RefundRequestPage.vue'), meta: { permission: 'repair.refund', titleKey: 'menu.frontdeskRefund' } },
  { path: 'frontdesk/batches', name: 'frontdesk-batches', component: () => import('../pages/frontdesk/BatchesPage.vue'), meta: { permission: 'repair.batch', titleKey: 'menu.frontdeskBatches' } },
  { path: 'frontdesk/batches/:id', name: 'frontdesk-batch', component: () => import('../pages/frontdesk/BatchPage.vue'), meta: { permission: 'repair.view', titleKey: 'frontdesk.batch.title' } },
]

export const menu = [
  { key: 'frontdeskLend', route: 'frontdesk-lend', icon: matPhonelinkRing, permission: 'repair.loaner', section: 'counter' },
  { key: 'frontdeskRefund', route: 'frontdesk-refund', icon: matCurrencyExchange, permission: 'repair.refund', section: 'counter' },
  { key: 'frontdeskBatches', route: 'frontdesk-batches', icon: matInventory2, permission: 'repair.batch', section: 'counter' },
  // The approver's queue is the workspace's refund list (filter 待审批).
  { key: 'frontdeskApprovals', to: { name: 'workspace-list', params: { type: 'repair_refund' }, query: { approval: 'pending' } }, icon: matAssignmentReturn, permission: 'repair.approve_refund', section: 'counter' },
]
