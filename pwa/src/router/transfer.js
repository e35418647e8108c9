// Transfers (调拨): the documents (申请单, 调拨单, 调拨收货单: list, detail, new, issue, reverse, print) are
// the workspace's, described by server/meta/family_transfer.py; these are the screens the workspace
// cannot be: headquarters' approval of a request line by line (the approve action's `page`), receiving
// with scanning and differences, and headquarters' in-transit overview.
// Drawer entries in the trade section (`menu.<key>` in i18n/transfer.*.js).
import { matLocalShipping, matMoveToInbox } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'transfer/approve/:id', name: 'transfer-approve', component: () => import('../pages/transfer/TransferApprovePage.vue'), meta: { permission: 'transfer.approve', titleKey: 'transfer.approve.title' } },
  { path: 'transfer/receive/:id?', name: 'transfer-receive', component: () => import('../pages/transfer/TransferReceivePage.vue'), meta: { permission: 'transfer.receive', titleKey: 'menu.transferReceive' } },
  { path: 'transfer/in-transit', name: 'transfer-in-transit', component: () => import('../pages/transfer/TransferInTransitPage.vue'), meta: { permission: 'transfer.view', titleKey: 'menu.transferInTransit' } },
]

export const menu = [
  { key: 'transferReceive', route: 'transfer-receive', icon: matMoveToInbox, permission: 'transfer.receive', section: 'trade' },
  { key: 'transferInTransit', route: 'transfer-in-transit', icon: matLocalShipping, permission: 'transfer.view', section: 'trade' },
]
