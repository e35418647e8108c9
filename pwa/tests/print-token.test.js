import { describe, expect, test } from 'vitest'
import vectors from '../src/print/token-vectors.json'
import { orderIdFromToken, orderToken, stockToken, tokenTarget } from '../src/print/token.js'
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

  test('reads back what it writes, for orders and warehouse documents', () => {
    for (let i = 0; i < 50; i++) {
      const id = uuidv7()
      expect(tokenTarget(orderToken(id))).toEqual({ kind: 'repair_order', id })
      expect(tokenTarget(stockToken(id))).toEqual({ kind: 'stock_document', id })
      expect(orderIdFromToken(orderToken(id))).toBe(id)
      expect(orderIdFromToken(stockToken(id))).toBeNull()
    }
  })

  test('reads a code as the server does: case, blanks and look-alike letters', () => {
    const v = vectors[2]
    expect(tokenTarget(` ${v.token.toLowerCase()} `)).toEqual({ kind: 'repair_order', id: v.id })
    expect(tokenTarget(v.token.replace(/0/g, 'O').replace(/^RO/, 'R1'))).toEqual({ kind: 'repair_order', id: v.id })
    expect(tokenTarget('X1' + v.token.slice(2))).toBeNull()
    expect(tokenTarget(v.token.slice(0, 27))).toBeNull()
    expect(tokenTarget('R1' + '8'.repeat(26))).toBeNull() // over 128 bits
    expect(tokenTarget('R1' + 'U'.repeat(26))).toBeNull()
  })
})
