import { describe, expect, test } from 'vitest'
import vectors from '../src/print/token-vectors.json'
import { orderToken } from '../src/print/token.js'
import { uuidv7 } from '../src/sync/ids.js'

describe('printed QR token', () => {
  test('matches the server on the shared vectors', () => {
    for (const v of vectors) expect(orderToken(v.id)).toBe(v.token)
  })

  test('is 28 characters a QR code encodes in alphanumeric mode', () => {
    for (let i = 0; i < 50; i++) expect(orderToken(uuidv7())).toMatch(/^R1[0-9A-HJKMNP-TV-Z]{26}$/)
  })

  test('refuses what is not a UUID', () => {
    expect(() => orderToken('WX-SZ01-2611-00042')).toThrow(/not a UUID/)
  })
})
