// The workshop screens: their routes (children of the main layout) and menu entries
// (section 'workshop'; `menu.<key>` and `menu.desc.<key>` in i18n/workshop.*.js).
import { matBuild, matFactCheck, matInventory2, matSwapHoriz } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'workshop/queue', name: 'workshop-queue', component: () => import('../pages/workshop/QueuePage.vue'), meta: { permission: 'repair.repair', titleKey: 'menu.workshopQueue' } },
  { path: 'workshop/orders/:id', name: 'workshop-job', component: () => import('../pages/workshop/JobPage.vue'), meta: { permission: 'repair.repair', titleKey: 'workshop.job.title' } },
  { path: 'workshop/qc', name: 'workshop-qc', component: () => import('../pages/workshop/QcPage.vue'), meta: { permission: 'repair.qc', titleKey: 'menu.workshopQc' } },
  { path: 'workshop/handover', name: 'workshop-handover', component: () => import('../pages/workshop/HandoverPage.vue'), meta: { permission: 'repair.handover', titleKey: 'menu.workshopHandover' } },
  { path: 'workshop/packing', name: 'workshop-packing', component: () => import('../pages/workshop/PackingPage.vue'), meta: { permission: 'repair.packing', titleKey: 'menu.workshopPacking' } },
  { path: 'workshop/packing/:id', name: 'workshop-box', component: () => import('../pages/workshop/BoxPage.vue'), meta: { permission: 'repair.packing', titleKey: 'workshop.packing.box' } },
]

export const menu = [
  { key: 'workshopQueue', route: 'workshop-queue', icon: matBuild, permission: 'repair.repair', section: 'workshop' },
  { key: 'workshopQc', route: 'workshop-qc', icon: matFactCheck, permission: 'repair.qc', section: 'workshop' },
  { key: 'workshopHandover', route: 'workshop-handover', icon: matSwapHoriz, permission: 'repair.handover', section: 'workshop' },
  { key: 'workshopPacking', route: 'workshop-packing', icon: matInventory2, permission: 'repair.packing', section: 'workshop' },
]
