// Service worker registration (vite-plugin-pwa). The worker precaches the app shell
// so the app opens with no network; a new build takes over on the next load.
import { registerSW } from 'virtual:pwa-register'

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return
  registerSW({ immediate: true })
}
