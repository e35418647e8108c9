// Labour-fee claims (劳务费申报单): the claim (list, detail with lines, build, submit, settle, print) is the
// workspace's, described by server/meta/family_claims.py; this is the one screen the workspace cannot be:
// the manufacturer's answer, line by line or imported from its Excel. Drawer entry in the back office
// (`menu.<key>` in i18n/claims.*.js).
import { matFactCheck } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'claims/answer/:id?', name: 'claim-answer', component: () => import('../pages/claims/ClaimAnswerPage.vue'), meta: { permission: 'claims.answer', titleKey: 'menu.claimAnswer' } },
]

export const menu = [
  { key: 'claimAnswer', route: 'claim-answer', icon: matFactCheck, permission: 'claims.answer', section: 'backOffice' },
]
