import { describe, expect, test } from 'vitest'
import { ApiError } from '../src/api/errors.js'
import { describeApiError, fieldErrorText } from '../src/api/describe.js'
import zhCN from '../src/i18n/zh-CN.js'

// A tiny t() over the real zh-CN messages.
function t(key, params = {}) {
  const msg = key.split('.').reduce((o, k) => o?.[k], zhCN)
  if (typeof msg !== 'string') throw new Error(`missing ${key}`)
  return msg.replace(/\{(\w+)\}/g, (_, n) => String(params[n]))
}
const opts = { t, locale: 'zh-CN', fields: ['username', 'password'] }

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
    expect(describeApiError(err, opts)).toBe('请检查填写的内容。 remember: 未知字段; note: 最多 300 个字符')
  })

  test('a message the client does not know is shown as the server wrote it', () => {
    const err = new ApiError({ status: 422, code: 'validation_error', errors: { user_id: ['cannot act as another administrator'] } })
    expect(fieldErrorText(err, 'user_id', t)).toBe('cannot act as another administrator')
  })
})
