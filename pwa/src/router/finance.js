// The finance screens (spec §10, read side): receivables and payables by counterparty with their
// documents, entries and open items (with the statement of account), aging, the allocation of a
// receipt or payment, money accounts' balances and detail. Online only; permission finance.view,
// the one every /api/finance route requires. Menu entries in section 'backOffice' (`menu.<key>`
// and `menu.desc.<key>` in i18n/finance.*.js).
import { matAccountBalance, matAccountBalanceWallet, matEditNote, matEventAvailable, matHourglassBottom, matRequestQuote } from '@quasar/extras/material-icons'

export const routes = [
  { path: 'finance/counterparties', name: 'finance-counterparties', component: () => import('../pages/finance/CounterpartiesPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeCounterparties' } },
  { path: 'finance/counterparties/:orgId/:kind/:cpId?', name: 'finance-counterparty', component: () => import('../pages/finance/CounterpartyPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeCounterparties' } },
  { path: 'finance/accounts', name: 'finance-accounts', component: () => import('../pages/finance/AccountsPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeAccounts' } },
  { path: 'finance/aging', name: 'finance-aging', component: () => import('../pages/finance/AgingPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeAging' } },
  // 核销: a receipt's or payment's money against open items (the workspace has no picker for it).
  { path: 'finance/allocate/:type/:id', name: 'finance-allocate', component: () => import('../pages/finance/AllocatePage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeCounterparties' } },
  // 银行对账: import a bank statement, then match it to the account's entries.
  { path: 'finance/bank-statements', name: 'finance-bank', component: () => import('../pages/finance/BankStatementsPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeBank' } },
  { path: 'finance/bank-statements/:id', name: 'finance-bank-statement', component: () => import('../pages/finance/BankStatementPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeBank' } },
  // 财务调整: every money document with its type's 红冲; 结账 / 反结账 with their history.
  { path: 'finance/adjust', name: 'finance-adjust', component: () => import('../pages/finance/AdjustPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeAdjust' } },
  { path: 'finance/periods', name: 'finance-periods', component: () => import('../pages/finance/PeriodsPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financePeriods' } },
  { path: 'finance/accounts/:id', name: 'finance-account', component: () => import('../pages/finance/AccountLedgerPage.vue'), meta: { permission: 'finance.view', titleKey: 'menu.financeAccounts' } },
]

export const menu = [
  { key: 'financeCounterparties', route: 'finance-counterparties', icon: matRequestQuote, permission: 'finance.view', section: 'backOffice' },
  { key: 'financeAging', route: 'finance-aging', icon: matHourglassBottom, permission: 'finance.view', section: 'backOffice' },
  { key: 'financeAccounts', route: 'finance-accounts', icon: matAccountBalance, permission: 'finance.view', section: 'backOffice' },
  { key: 'financeBank', route: 'finance-bank', icon: matAccountBalanceWallet, permission: 'finance.view', section: 'backOffice' },
  { key: 'financeAdjust', route: 'finance-adjust', icon: matEditNote, permission: 'finance.view', section: 'backOffice' },
  { key: 'financePeriods', route: 'finance-periods', icon: matEventAvailable, permission: 'finance.view', section: 'backOffice' },
]
