// Build of the Aftercare PWA. The Flask server serves dist/ at "/" (see server/web.py).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { quasar, transformAssetUrls } from '@quasar/vite-plugin'
import { VitePWA } from 'vite-plugin-pwa'

const backend = process.env.AFTERCARE_DEV_BACKEND || 'http://127.0.0.1:8000'

export default defineConfig({
  plugins: [
    vue({ template: { transformAssetUrls } }),
    quasar(),
    VitePWA({
      // The service worker is registered by src/pwa.js (virtual:pwa-register).
      injectRegister: false,
      // A new build waits until the user reloads (a notice offers it): never in the
      // middle of an intake.
      registerType: 'prompt',
      includeAssets: ['favicon.svg', 'icons/*.png'],
      manifest: {
        id: '/',
        name: 'Aftercare 售后服务管理',
        short_name: 'Aftercare',
        description: '手机售后服务网络的受理、维修与后台管理',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f4f6f9',
        theme_color: '#1f5f8b',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // The app shell: every built script, style, page and icon, and Noto Sans SC's WOFF2
        // subsets (~100 a weight, 5 MB for both): a name or a fault typed at an offline counter
        // must render even if no page showed those characters online before. The .woff
        // fallbacks (for browsers without WOFF2) are cached when first used instead (below).
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,woff2}'],
        globIgnores: ['**/*.woff'],
        navigateFallback: '/index.html',
        // Server paths are never answered with the shell.
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/sync(\/|$)/, /^\/healthz$/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: false,
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/') && url.pathname.endsWith('.woff'),
            handler: 'CacheFirst',
            options: { cacheName: 'aftercare-fonts', expiration: { maxEntries: 400 } },
          },
        ],
      },
    }),
  ],
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __APP_VERSION__: JSON.stringify(process.env.npm_package_version || '0.1.0'),
  },
  build: {
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': backend, '/sync': backend, '/healthz': backend },
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.js'],
    setupFiles: ['tests/setup.js'],
  },
})
