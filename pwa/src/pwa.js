// Service worker registration (vite-plugin-pwa). The worker precaches the app shell
// so the app opens with no network. A new build waits: the user is told and reloads
// when it suits them (never in the middle of an intake).
import { registerSW } from 'virtual:pwa-register'
import { Notify } from 'quasar'
import { i18n, onLocaleChange } from './i18n/index.js'

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return
  const t = i18n.global.t
  let dismissOfflineReady = null
  let dismissUpdate = null
  let updateWaiting = false

  function showUpdate() {
    dismissUpdate?.()
    dismissUpdate = Notify.create({
      message: t('pwa.updateReady'),
      timeout: 0,
      color: 'primary',
      actions: [
        { label: t('pwa.reload'), color: 'white', handler: () => updateSW(true) },
        { label: t('pwa.later'), color: 'white', handler: () => { updateWaiting = false } },
      ],
    })
  }

  const updateSW = registerSW({
    immediate: true,
    onNeedRefresh() {
      updateWaiting = true
      showUpdate()
    },
    onOfflineReady() {
      dismissOfflineReady = Notify.create({ message: t('pwa.offlineReady'), type: 'positive', timeout: 2500 })
    },
  })

  // Notices are plain text: redo them in the new language.
  onLocaleChange(() => {
    dismissOfflineReady?.()
    dismissOfflineReady = null
    if (updateWaiting) showUpdate()
  })
}
