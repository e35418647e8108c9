import { describe, expect, test } from 'vitest'
import { ApiError } from '../src/api/errors.js'
import { describeApiError, fieldErrorText, reasonText } from '../src/api/describe.js'
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
    expect(describeApiError(new ApiError({ status: 401, code: 'unauthorized', message: 'account is deactivated' }), opts)).toMatch(/已停用/)
    const throttled = (s) => new ApiError({ status: 429, code: 'login_throttled', message: 'x', extra: s === undefined ? {} : { retry_after: s } })
    expect(describeApiError(throttled(8), opts)).toBe('密码错误次数过多，请等待 8 秒后再试。')
    expect(describeApiError(throttled(630), opts)).toMatch(/请等待 11 分钟后再试/)
    expect(describeApiError(throttled(), opts)).toBe('密码错误次数过多，请稍候再试。')
  })

  test('offline and unknown errors', () => {
    expect(describeApiError(new ApiError({ status: 0, code: 'network' }), opts)).toMatch(/无法连接服务器/)
    expect(describeApiError(new ApiError({ status: 500, code: 'internal_error', message: 'internal error', requestId: 'abc12345' }), opts)).toMatch(/abc12345/)
  })

  test('field errors go to their fields, translated; the others to the form', () => {
    const err = new ApiError({
      status: 422,
      code: 'validation_error',
      errors: { username: ['Length must be between 1 and 64.'], password: ['Missing data for required field.'], remember: ['Unknown field.'], note: ['Longer than maximum length 300.'] },
    })
    expect(fieldErrorText(err, 'username', t)).toBe('长度须在 1 到 64 个字符之间')
    expect(fieldErrorText(err, 'note', t)).toBe('最多 300 个字符')
    expect(fieldErrorText(err, 'password', t)).toBe('必填')
    expect(fieldErrorText(err, 'other', t)).toBe('')
    expect(describeApiError(err, opts)).toBe('请检查填写的内容。 remember：未知字段；备注：最多 300 个字符')
  })

  test('a message the client does not know: as written for English readers, never inside the Chinese UI', () => {
    const err = new ApiError({ status: 422, code: 'validation_error', errors: { user_id: ['a rule added on the server after this build'] } })
    expect(fieldErrorText(err, 'user_id', t, 'en')).toBe('a rule added on the server after this build')
    expect(fieldErrorText(err, 'user_id', t, 'zh-CN')).toBe('不符合要求')
    const other = new ApiError({ status: 400, code: 'bad_request', message: 'devices are taken in at a service point', errors: { org_id: ['not a service point'] } })
    expect(describeApiError(other, opts)).not.toMatch(/[a-z]{4}/)
  })

  test('domain errors of the counter in Chinese: fields by label, guards by the machine, amounts kept', () => {
    const member = new ApiError({ status: 422, code: 'validation_error', errors: { member_phone: ['no member with this phone: register the member, or take the device in as a walk-in'] } })
    expect(describeApiError(member, opts)).toBe('请检查填写的内容。 会员手机号：没有此手机号的会员：请先登记会员，或改为散客受理')
    const guard = new ApiError({ status: 409, code: 'transition_refused', message: 'an out-of-warranty repair needs an accepted quotation first / 保外维修需客户先接受报价', errors: { state: ['quotation_accepted_if_chargeable'] } })
    expect(describeApiError(guard, opts)).toBe('服务器未接受此操作。 保外维修需客户先接受报价')
    const state = new ApiError({ status: 409, code: 'transition_refused', errors: { state: ['completed: pickup not allowed'] } })
    expect(describeApiError(state, opts)).toBe('服务器未接受此操作。 工单当前为「已完成」，不能执行此操作')
    const refund = new ApiError({ status: 422, code: 'validation_error', errors: { 'lines.0.quantity': ['a whole number of parts, at least 1'], amount: ['more than the deposit held (50.00)'] } })
    expect(describeApiError(refund, opts)).toBe('请检查填写的内容。 明细 第 1 行 数量：数量须为 1 以上的整数；金额：超过已收押金（50.00）')
  })

  test('a refused event reason (status document) in the language of the reader', () => {
    const r = { code: 'validation_error', field: 'member_phone', en: 'A value is not accepted: member_phone: no member with this phone: register the member, or take the device in as a walk-in', 'zh-CN': '数据不符合要求：member_phone: no member with this phone: register the member, or take the device in as a walk-in' }
    expect(reasonText(r, { t, te, locale: 'zh-CN' })).toBe('数据不符合要求：会员手机号：没有此手机号的会员：请先登记会员，或改为散客受理')
    expect(reasonText(r, { t, te, locale: 'en' })).toBe(r.en)
    const g = { code: 'transition_refused', field: 'state', en: 'The document is not in a state that allows this: state: quotation_accepted_if_chargeable', 'zh-CN': '单据当前状态不允许此操作：state: quotation_accepted_if_chargeable' }
    expect(reasonText(g, { t, te, locale: 'zh-CN' })).toBe('单据当前状态不允许此操作：保外维修需客户先接受报价')
  })
})
