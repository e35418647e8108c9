import { createRouter, createWebHistory } from 'vue-router'
import { useSessionStore } from '../stores/session.js'
import LoginPage from '../pages/LoginPage.vue'
import MainLayout from '../layouts/MainLayout.vue'
import HomePage from '../pages/HomePage.vue'
import { routes as workshopRoutes } from './workshop.js'
import { routes as backofficeRoutes } from './backoffice.js'
import { routes as workspaceRoutes } from './workspace.js'
import { routes as counterRoutes } from './counter.js'
import { routes as hqRoutes } from './hq.js'
import { routes as adminRoutes } from './admin.js'
import { routes as financeRoutes } from './finance.js'
import { routes as frontdeskRoutes } from './frontdesk.js'
import { routes as swapRoutes } from './swap.js'
import { routes as exchangeRoutes } from './exchange.js'
import { routes as purchaseRoutes } from './purchase.js'
import { routes as wholesaleRoutes } from './wholesale.js'
import { routes as retailRoutes } from './retail.js'
import { routes as transferRoutes } from './transfer.js'
import { routes as claimsRoutes } from './claims.js'
import { routes as commissionsRoutes } from './commissions.js'
import { routes as reportsRoutes } from './reports.js'

// Client routes. The server answers every one of them with index.html (SPA
// fallback) and the service worker does the same offline.
export const routes = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true, titleKey: 'login.title' } },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'home', component: HomePage, meta: { titleKey: 'menu.home' } },
      { path: 'repair/orders', name: 'repair-orders', component: () => import('../pages/repair/OrdersPage.vue'), meta: { permission: 'repair.view', titleKey: 'menu.repairOrders' } },
      { path: 'repair/intake', name: 'repair-intake', component: () => import('../pages/repair/IntakePage.vue'), meta: { permission: 'repair.intake', titleKey: 'menu.repairIntake' } },
      { path: 'repair/orders/:id', name: 'repair-order', component: () => import('../pages/repair/OrderDetailPage.vue'), meta: { permission: 'repair.view', titleKey: 'repair.order.title' } },
      { path: 'repair/orders/:id/ticket', name: 'repair-ticket', component: () => import('../pages/repair/TicketPage.vue'), meta: { permission: 'repair.view', titleKey: 'repair.ticket.title' } },
      { path: 'repair/pickup', name: 'repair-pickup', component: () => import('../pages/repair/PickupPage.vue'), meta: { permission: 'repair.pickup', titleKey: 'menu.repairPickup' } },
      ...workshopRoutes,
      ...backofficeRoutes,
      ...workspaceRoutes,
      ...counterRoutes,
      ...hqRoutes,
      ...adminRoutes,
      ...financeRoutes,
      ...frontdeskRoutes,
      ...swapRoutes,
      ...exchangeRoutes,
      ...purchaseRoutes,
      ...wholesaleRoutes,
      ...retailRoutes,
      ...transferRoutes,
      ...claimsRoutes,
      ...commissionsRoutes,
      ...reportsRoutes,
      { path: 'switch-user', name: 'switch-user', component: () => import('../pages/SwitchUserPage.vue'), meta: { permission: 'admin.switch_user', titleKey: 'menu.switchUser' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../pages/NotFoundPage.vue'), meta: { titleKey: 'notFound.title' } },
    ],
  },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory('/'), routes })
  router.beforeEach((to) => {
    const session = useSessionStore()
    if (to.meta.public) {
      return to.name === 'login' && session.isAuthenticated ? { name: 'home' } : true
    }
    if (!session.isAuthenticated) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    if (to.meta.permission && !session.can(to.meta.permission)) return { name: 'home' }
    return true
  })
  return router
}
