// The admin screens: routes (children of the main layout) and menu entries (`menu.<key>` in
// i18n/admin.*.js). Wired into router/index.js and router/menu.js.
// Users, organisations and the login record are listed by the workspace list (/workspace/<type>,
// described by server/meta/family_admin.py); a user's and an organisation's own screens are the
// routes named ws-<type>-new / ws-<type>-detail, which that list opens.
import { matFactCheck, matHistory, matManageAccounts, matStore } from '@quasar/extras/material-icons'

const UserPage = () => import('../pages/admin/UserPage.vue')
const OrganisationPage = () => import('../pages/admin/OrganisationPage.vue')

// The lists: the workspace's list of the export's entry (key), the drawer's entry (menu key).
const LISTS = [
  { key: 'organisations', path: 'organisations', menu: 'organisations', icon: matStore, permission: 'org.view', section: 'baseData' },
  { key: 'users', path: 'users', menu: 'users', icon: matManageAccounts, permission: 'user.view', section: 'system' },
  { key: 'login-records', path: 'login-records', menu: 'loginRecords', icon: matHistory, permission: 'system.login_records', section: 'system' },
]

export const routes = [
  { path: 'admin/users/new', name: 'ws-users-new', component: UserPage, meta: { permission: 'user.manage', titleKey: 'admin.user.newTitle' } },
  { path: 'admin/users/:id', name: 'ws-users-detail', component: UserPage, meta: { permission: 'user.view', titleKey: 'menu.users' } },
  { path: 'admin/organisations/new', name: 'ws-organisations-new', component: OrganisationPage, meta: { permission: 'org.manage', titleKey: 'admin.org.newTitle' } },
  { path: 'admin/organisations/:id', name: 'ws-organisations-detail', component: OrganisationPage, meta: { permission: 'org.view', titleKey: 'menu.organisations' } },
  { path: 'admin/unaudit', name: 'admin-unaudit', component: () => import('../pages/admin/UnauditPage.vue'), meta: { permission: 'repair.unaudit', titleKey: 'menu.unaudit' } },
  // The paths of the old hand-made tables, kept for bookmarks: they open the workspace lists.
  ...LISTS.map(({ key, path }) => ({ path, name: path, redirect: { name: 'workspace-list', params: { type: key } } })),
]

// 反审核 is done inside a point, by an administrator switched into one of its users.
export const menu = [
  { key: 'unaudit', route: 'admin-unaudit', icon: matFactCheck, permission: 'repair.unaudit', section: 'advanced', onlyWhileActing: true },
  // Drawn from the permissions, not from the export (its entries say menu: false), so the drawer
  // shows them offline too; the list itself is online.
  ...LISTS.map(({ key, menu: k, icon, permission, section }) => ({ key: k, to: { name: 'workspace-list', params: { type: key } }, icon, permission, section })),
]
