// Service worker registration (vite-plugin-pwa). The worker precaches the app shell
// so the app opens with no network. A new build waits: the user is told and reloads
// when it suits them (never in the middle of an intake).
import { registerSW } from 'virtual:pwa-register'
import { Notify } from 'quasar'
import { i18n } from './i18n/index.js'

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return
  const t = i18n.global.t
  const updateSW = registerSW({
    immediate: true,
    onNeedRefresh() {
      Notify.create({
        message: t('pwa.updateReady'),
        timeout: 0,
        color: 'primary',
        actions: [
          { label: t('pwa.reload'), color: 'white', handler: () => updateSW(true) },
          { label: t('pwa.later'), color: 'white' },
        ],
      })
    },
    onOfflineReady() {
      Notify.create({ message: t('pwa.offlineReady'), type: 'positive' })
    },
  })
}
