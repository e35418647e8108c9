// Technician commissions (提成, issue 19 §8): the monthly statement per engineer (online; permission
// commissions.view) and, in the drawer, the rules — base data, the workspace's list of the kind
// `commission-rules` (changed with commissions.manage). Menu entries in section 'backOffice'
// (`menu.<key>` and `menu.desc.<key>` in i18n/commissions.*.js).
import { matPercent, matRequestPage } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'commissions', name: 'commissions', component: () => import('../pages/commissions/CommissionsPage.vue'), meta: { permission: 'commissions.view', titleKey: 'menu.commissions' } },
]

export const menu = [
  { key: 'commissions', route: 'commissions', icon: matRequestPage, permission: 'commissions.view', section: 'backOffice' },
  { key: 'commissionRules', to: { name: 'workspace-list', params: { type: 'commission-rules' } }, icon: matPercent, permission: 'commissions.view', section: 'baseData' },
]
