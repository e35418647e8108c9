// The document workspace's routes (children of the main layout). Which types exist, and what a
// user may do with each, comes from the server's export (stores/workspace.js); a type the user
// may not see shows as unknown. Menu entries are made from the export too (workspace/meta.js).
export const routes = [
  { path: 'workspace', name: 'workspace-index', component: () => import('../pages/workspace/WorkspaceIndexPage.vue'), meta: { titleKey: 'workspace.title' } },
  { path: 'workspace/:type', name: 'workspace-list', component: () => import('../pages/workspace/DocumentListPage.vue'), meta: { titleKey: 'workspace.title' } },
  { path: 'workspace/:type/new', name: 'workspace-new', component: () => import('../pages/workspace/DocumentFormPage.vue'), meta: { titleKey: 'workspace.title' } },
  { path: 'workspace/:type/:id', name: 'workspace-document', component: () => import('../pages/workspace/DocumentPage.vue'), meta: { titleKey: 'workspace.title' } },
  { path: 'workspace/:type/:id/edit', name: 'workspace-edit', component: () => import('../pages/workspace/DocumentFormPage.vue'), meta: { titleKey: 'workspace.title' } },
]
