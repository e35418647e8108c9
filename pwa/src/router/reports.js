// The reports (报表, spec §11): the index (saved custom reports, the fixed reports, a new one), the
// custom report builder and a fixed report's page. Online only. Drawer entry in the back office
// (`menu.<key>` and `menu.desc.<key>` in i18n/reports.*.js); the dashboard links here too.
import { matSummarize } from '@quasar/extras/material-icons'

const Builder = () => import('../pages/reports/CustomReportPage.vue')

export const routes = [
  { path: 'reports', name: 'reports', component: () => import('../pages/reports/ReportsIndexPage.vue'), meta: { permission: 'report.view', titleKey: 'menu.reports' } },
  { path: 'reports/custom/new', name: 'report-custom-new', component: Builder, meta: { permission: 'report.view', titleKey: 'reports.builder.newTitle' } },
  { path: 'reports/custom/:id', name: 'report-custom', component: Builder, meta: { permission: 'report.view', titleKey: 'menu.reports' } },
  { path: 'reports/fixed/:key', name: 'report-fixed', component: () => import('../pages/reports/FixedReportPage.vue'), meta: { permission: 'report.view', titleKey: 'menu.reports' } },
]

export const menu = [
  { key: 'reports', route: 'reports', icon: matSummarize, permission: 'report.view', section: 'backOffice' },
]
