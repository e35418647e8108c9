import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import { Quasar, Notify, Dialog } from 'quasar'
import iconSet from 'quasar/icon-set/svg-material-icons'
import '@fontsource/noto-sans-sc/400.css'
import '@fontsource/noto-sans-sc/700.css'
import 'quasar/src/css/index.sass'
import './styles/app.css'

import App from './App.vue'
import { i18n, quasarLang, currentLocale } from './i18n/index.js'
import { createAppRouter } from './router/index.js'
import { tokens, setApiLanguage } from './api/index.js'
import { useSessionStore } from './stores/session.js'
import { useSyncStore } from './stores/sync.js'
import { useRepairStore } from './stores/repair.js'
import { registerServiceWorker } from './pwa.js'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(Quasar, {
  plugins: { Notify, Dialog },
  iconSet,
  lang: quasarLang(currentLocale()),
  config: {
    brand: { primary: '#1f5f8b', secondary: '#2e8b6e', accent: '#d98e04', positive: '#2e7d32', negative: '#c62828', warning: '#ed8c00', info: '#1976d2' },
    notify: { position: 'bottom', timeout: 3000 },
  },
})
app.use(i18n)
setApiLanguage(() => i18n.global.locale.value)
const router = createAppRouter()
app.use(router)
document.documentElement.lang = currentLocale()

const session = useSessionStore()
const sync = useSyncStore()

// The refresh token was refused: back to the login page, saying why.
tokens.subscribe((event) => {
  if (event === 'expired') {
    sync.stop()
    router.replace({ name: 'login', query: { expired: '1' } })
  }
})

// The local databases follow the organisation the user works in.
watch(
  () => (session.isAuthenticated ? session.organisation : undefined),
  (org) => {
    if (org === undefined) sync.stop()
    else sync.startFor(org).catch((e) => console.warn('aftercare: could not start sync', e))
  },
  { immediate: true },
)

// The counter's orders are read as soon as the point's database is open (sync indicator, lists).
const repair = useRepairStore()
watch(
  () => sync.pointDb,
  (db) => {
    if (db) {
      repair.refresh().catch((e) => console.warn('aftercare: orders', e))
      repair.fetchAccounts()
    } else repair.reset()
  },
)
window.addEventListener('online', () => repair.fetchAccounts())

// Page titles follow the route and the language.
watch(
  [() => router.currentRoute.value, () => i18n.global.locale.value],
  ([route]) => {
    const key = route.meta?.titleKey
    document.title = key ? `${i18n.global.t(key)} · ${i18n.global.t('app.name')}` : i18n.global.t('app.name')
  },
)

app.mount('#app')
registerServiceWorker()
// A stored session is used at once (offline too) and renewed in the background.
session.revalidate().catch(() => {})
