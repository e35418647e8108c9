import { describe, expect, test } from 'vitest'
import { mayUnaudit, recordBody } from '../src/admin/records.js'
import { translateFieldMessage } from '../src/api/describe.js'
import { MACHINE, nextActions, refusal } from '../src/repair/machine.js'
import { visibleEntries } from '../src/router/menu.js'

describe('admin records', () => {
  const fields = [
    { name: 'full_name', type: 'str', required: true },
    { name: 'phone', type: 'str' },
    { name: 'roles', type: 'enums' },
    { name: 'level', type: 'int' },
    { name: 'parent_id', type: 'ref' },
    { name: 'active', type: 'bool' },
  ]

  test('a body: text trimmed, blank text clears, blank numbers and references left out, lists copied', () => {
    const roles = ['clerk']
    const body = recordBody(fields, { full_name: ' 王芳 ', phone: '  ', roles, level: '2', parent_id: null, active: 1 })
    expect(body).toEqual({ full_name: '王芳', phone: '', roles: ['clerk'], level: 2, active: true })
    expect(body.roles).not.toBe(roles)
    expect(recordBody(fields, { level: 'x' }).level).toBe('x') // the server names the field
  })

  test('an edit clears an optional reference left blank', () => {
    expect(recordBody(fields, { parent_id: '', __editing: true }).parent_id).toBe(null)
  })
})

describe('un-audit', () => {
  const facts = { acting_admin: true }

  test('the machine offers it on an audited order only to a switched administrator, and only online', () => {
    const t = MACHINE.events.find((e) => e.event === 'unaudit')
    expect(t.online).toBe(true)
    expect(t.to_if).toEqual({ fact: 'followed_up', to: 'followed_up' })
    const permissions = ['repair.view', 'repair.unaudit']
    expect(refusal('unaudit', { state: 'audited', facts: {}, permissions })).toEqual({ kind: 'guard', guard: 'acting_admin' })
    expect(refusal('unaudit', { state: 'audited', facts, permissions })).toBe(null)
    // A screen that posts offline events never offers it; an online one asks for it.
    expect(nextActions({ state: 'audited', facts, permissions }).map((a) => a.event)).not.toContain('unaudit')
    expect(nextActions({ state: 'audited', facts, permissions, online: true }).map((a) => a.event)).toContain('unaudit')
  })

  test('mayUnaudit follows state, permission and the switch', () => {
    const order = { state: 'audited' }
    expect(mayUnaudit(order, { permissions: ['repair.unaudit'], acting: true })).toBe(true)
    expect(mayUnaudit(order, { permissions: ['repair.unaudit'], acting: false })).toBe(false)
    expect(mayUnaudit(order, { permissions: [], acting: true })).toBe(false)
    expect(mayUnaudit({ state: 'completed' }, { permissions: ['repair.unaudit'], acting: true })).toBe(false)
    expect(mayUnaudit({ state: 'audited', allowed_events: [] }, { permissions: ['repair.unaudit'], acting: true })).toBe(false)
  })

  test('its menu entry shows only while acting', () => {
    const catalogue = { permissions: { 'repair.unaudit': '' } }
    const keys = (acting) => visibleEntries({ permissions: ['repair.unaudit'], catalogue, acting }).map((e) => e.key)
    expect(keys(false)).not.toContain('unaudit')
    expect(keys(true)).toContain('unaudit')
  })
})

describe('what the account and organisation operations say', () => {
  // The server answers these in the reader's language from its catalogue (server/messages.py;
  // tests/test_messages.py makes every message carry zh-CN words): a form shows them as given.
  test('a field’s message is shown as the server wrote it', () => {
    const t = (key) => key
    expect(translateFieldMessage('至少 8 个字符', t, 'zh-CN')).toBe('至少 8 个字符')
    expect(translateFieldMessage('SZ03 reports to this point and is level 2', t, 'en')).toBe('SZ03 reports to this point and is level 2')
  })
})
