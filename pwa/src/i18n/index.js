// zh-CN is the default; English is one click away. Every string of the UI lives in
// zh-CN.js and en.js (a test keeps their keys identical and checks every key used).
import { createI18n } from 'vue-i18n'
import { Quasar } from 'quasar'
import quasarZh from 'quasar/lang/zh-CN'
import quasarEn from 'quasar/lang/en-US'
import zhCN from './zh-CN.js'
import en from './en.js'

export const LOCALES = [
  { value: 'zh-CN', label: '简体中文', short: '中' },
  { value: 'en', label: 'English', short: 'EN' },
]
const KEY = 'aftercare.locale'
const QUASAR_LANG = { 'zh-CN': quasarZh, en: quasarEn }

function initialLocale() {
  try {
    const saved = globalThis.localStorage?.getItem(KEY)
    if (LOCALES.some((l) => l.value === saved)) return saved
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
})

export function quasarLang(locale) {
  return QUASAR_LANG[locale] || quasarZh
}

const localeListeners = new Set()

/** Called after the language changes (for texts that are not reactive, e.g. notices). */
export function onLocaleChange(fn) {
  localeListeners.add(fn)
  return () => localeListeners.delete(fn)
}

export function setLocale(locale) {
  if (!LOCALES.some((l) => l.value === locale)) return
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(KEY, locale)
  } catch {
    /* storage unavailable */
  }
  Quasar.lang?.set?.(quasarLang(locale))
  document.documentElement.lang = locale // after Quasar, which writes its own ("en-US")
  localeListeners.forEach((fn) => fn(locale))
}

export function currentLocale() {
  return i18n.global.locale.value
}
