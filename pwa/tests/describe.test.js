import { describe, expect, test } from 'vitest'
import { ApiError } from '../src/api/errors.js'
import { describeApiError, fieldErrorText, reasonText } from '../src/api/describe.js'
import { createApiClient } from '../src/api/client.js'
import zhCN from '../src/i18n/zh-CN.js'

// A tiny t() over the real zh-CN messages.
function t(key, params = {}) {
  const msg = key.split('.').reduce((o, k) => o?.[k], zhCN)
  if (typeof msg !== 'string') throw new Error(`missing ${key}`)
  return msg.replace(/\{(\w+)\}/g, (_, n) => String(params[n]))
}
const te = (key) => typeof key.split('.').reduce((o, k) => o?.[k], zhCN) === 'string'
const opts = { t, te, locale: 'zh-CN', fields: ['username', 'password'] }

describe('error messages for people', () => {
  test('wrong password, deactivated, throttled with the wait', () => {
    expect(describeApiError(new ApiError({ status: 401, code: 'unauthorized', message: 'wrong username or password' }), opts)).toBe('用户名或密码错误。')
    expect(describeApiError(new ApiError({ status: 401, code: 'unauthorized', message: '账号已停用', extra: { reason: 'inactive' } }), opts)).toMatch(/已停用/)
    const throttled = (s) => new ApiError({ status: 429, code: 'login_throttled', message: 'x', extra: s === undefined ? {} : { retry_after: s } })
    expect(describeApiError(throttled(8), opts)).toBe('密码错误次数过多，请等待 8 秒后再试。')
    expect(describeApiError(throttled(630), opts)).toMatch(/请等待 11 分钟后再试/)
    expect(describeApiError(throttled(), opts)).toBe('密码错误次数过多，请稍候再试。')
  })

  test('offline and unknown errors', () => {
    expect(describeApiError(new ApiError({ status: 0, code: 'network' }), opts)).toMatch(/无法连接服务器/)
    expect(describeApiError(new ApiError({ status: 500, code: 'internal_error', message: 'internal error', requestId: 'abc12345' }), opts)).toMatch(/abc12345/)
  })

  test('field errors go to their fields as the server wrote them (in the language asked for); the others to the form', () => {
    const err = new ApiError({
      status: 422,
      code: 'validation_error',
      errors: { username: ['长度须在 1 到 64 个字符之间'], password: ['必填'], remember: ['未知字段'], note: ['最多 300 个字符'] },
    })
    expect(fieldErrorText(err, 'username', t)).toBe('长度须在 1 到 64 个字符之间')
    expect(fieldErrorText(err, 'other', t)).toBe('')
    expect(describeApiError(err, opts)).toBe('请检查填写的内容。 remember：未知字段；备注：最多 300 个字符')
  })

  test('no guessing: a message is shown as given, in whatever language the server answered', () => {
    const err = new ApiError({ status: 422, code: 'validation_error', errors: { user_id: ['a rule added on the server after this build'] } })
    expect(fieldErrorText(err, 'user_id', t, 'en')).toBe('a rule added on the server after this build')
    expect(fieldErrorText(err, 'user_id', t, 'zh-CN')).toBe('a rule added on the server after this build')
  })

  test('the machine codes a refusal names are read with the exported machine; its sentence is the server’s', () => {
    const guard = new ApiError({ status: 409, code: 'transition_refused', message: '保外维修需客户先接受报价', errors: { state: ['quotation_accepted_if_chargeable'] } })
    expect(describeApiError(guard, opts)).toBe('服务器未接受此操作。 保外维修需客户先接受报价')
    expect(fieldErrorText(guard, 'state', t, 'zh-CN')).toBe('保外维修需客户先接受报价')
    const state = new ApiError({ status: 409, code: 'conflict', errors: { state: ['completed: pickup not allowed'] } })
    expect(describeApiError(state, opts)).toBe('服务器未接受此操作。 工单当前为「已完成」，不能执行此操作')
    const refund = new ApiError({ status: 422, code: 'validation_error', errors: { 'lines.0.quantity': ['数量须为 1 以上的整数'], amount: ['超过已收押金（50.00）'] } })
    expect(describeApiError(refund, opts)).toBe('请检查填写的内容。 明细 第 1 行 数量：数量须为 1 以上的整数；金额：超过已收押金（50.00）')
    expect(describeApiError(new ApiError({ status: 404, code: 'not_found', message: '没有这张维修工单' }), opts)).toBe('没有这张维修工单')
  })

  test('a refused event reason (status document): the server’s words in the reader’s language, the field by its label', () => {
    const r = {
      code: 'validation_error', field: 'member_phone',
      title: { en: 'A value is not accepted', 'zh-CN': '数据不符合要求' },
      detail: { en: 'no member with this phone: register the member, or take the device in as a walk-in', 'zh-CN': '没有此手机号的会员：请先登记会员，或改为散客受理' },
      en: 'A value is not accepted: member_phone: no member with this phone: register the member, or take the device in as a walk-in',
      'zh-CN': '数据不符合要求：member_phone: 没有此手机号的会员：请先登记会员，或改为散客受理',
    }
    expect(reasonText(r, { t, te, locale: 'zh-CN' })).toBe('数据不符合要求：会员手机号：没有此手机号的会员：请先登记会员，或改为散客受理')
    expect(reasonText(r, { t, te, locale: 'en' })).toMatch(/^A value is not accepted: .*walk-in$/)
    const g = { code: 'transition_refused', field: 'state', title: { en: 'The document is not in a state that allows this', 'zh-CN': '单据当前状态不允许此操作' },
      detail: { en: 'the device is at another service point', 'zh-CN': '机器在其他网点' }, en: 'x', 'zh-CN': 'y' }
    expect(reasonText(g, { t, te, locale: 'zh-CN' })).toBe('单据当前状态不允许此操作：机器在其他网点')
    // written before reasons had parts: shown whole
    expect(reasonText({ code: 'conflict', en: 'old', 'zh-CN': '旧的' }, { t, te, locale: 'zh-CN' })).toBe('旧的')
  })
})

describe('the api client names the reader’s language', () => {
  test('Accept-Language on every request, the refresh included', async () => {
    const seen = []
    let lang = 'zh-CN'
    const fetch = async (url, init) => {
      seen.push([url, init.headers['Accept-Language'] ?? init.headers.get?.('Accept-Language')])
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } })
    }
    const tokens = { access: () => 'a', refresh: () => 'r', save: () => {}, expired: () => {} }
    const api = createApiClient({ fetch, tokens, language: () => lang })
    await api.get('/api/x')
    lang = 'en'
    await api.post('/api/y', {})
    await api.refreshSession()
    await api.authFetch('/sync/db/_changes')
    expect(seen.map((s) => s[1])).toEqual(['zh-CN', 'en', 'en', 'en'])
  })
})
