// Every string is translated: both locales have exactly the same keys, no empty
// message, and every key the code names literally exists.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import zhCN from '../src/i18n/zh-CN.js'
import en from '../src/i18n/en.js'
import { MENU, SECTIONS } from '../src/router/menu.js'

function flatten(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? flatten(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]))
}

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sourceFiles(p)
    return /\.(vue|js)$/.test(name) ? [p] : []
  })
}

const zh = Object.fromEntries(flatten(zhCN))
const enFlat = Object.fromEntries(flatten(en))

describe('locales', () => {
  test('zh-CN and en have the same keys', () => {
    expect(Object.keys(enFlat).sort()).toEqual(Object.keys(zh).sort())
  })

  test('no message is empty, and placeholders match', () => {
    for (const [key, msg] of Object.entries(zh)) {
      expect(typeof msg === 'string' && msg.trim().length > 0, `zh-CN ${key}`).toBe(true)
      expect(typeof enFlat[key] === 'string' && enFlat[key].trim().length > 0, `en ${key}`).toBe(true)
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(names(enFlat[key]), `placeholders of ${key}`).toEqual(names(msg))
    }
  })

  test('no message uses vue-i18n syntax characters by accident (| @ $)', () => {
    for (const [key, msg] of [...Object.entries(zh), ...Object.entries(enFlat)]) {
      expect(/[|@$]/.test(msg), `${key}: ${msg}`).toBe(false)
    }
  })

  test('every literal key used in the source exists in both locales', () => {
    const files = sourceFiles(new URL('../src', import.meta.url).pathname)
    const used = new Set()
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/g)) used.add(m[1])
    }
    expect(used.size).toBeGreaterThan(50)
    const missing = [...used].filter((k) => !(k in zh) || !(k in enFlat))
    expect(missing).toEqual([])
  })

  test('dynamic keys: menu entries, sections, sync states', () => {
    const keys = [
      ...MENU.map((e) => `menu.${e.key}`),
      ...MENU.map((e) => `menu.desc.${e.key}`),
      ...SECTIONS.map((s) => `menu.section.${s}`),
      ...['online', 'offline', 'syncing', 'error', 'idle'].flatMap((s) => [`sync.state.${s}`, `sync.explain.${s}`]),
      ...['connecting', 'active', 'paused', 'error'].map((s) => `sync.dbState.${s}`),
      ...['network', 'auth', 'notFound', 'tooLarge', 'server'].map((s) => `sync.errors.${s}`),
    ]
    for (const k of keys) {
      expect(k in zh, `zh-CN ${k}`).toBe(true)
      expect(k in enFlat, `en ${k}`).toBe(true)
    }
  })

  test('the spec’s Chinese terms are used', () => {
    expect(zh['menu.users']).toBe('用户权限') // §13.1
    expect(zh['menu.loginRecords']).toBe('登录情况') // §12.4
    expect(zh['menu.switchUser']).toBe('切换用户') // §16.1
    expect(zh['menu.organisations']).toBe('服务网点') // §14.3
  })
})
