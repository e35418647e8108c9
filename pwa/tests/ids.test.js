import { describe, expect, test } from 'vitest'
import { createUuidv7, isUuidv7, uuidv7, uuidv7Time } from '../src/sync/ids.js'

describe('uuidv7', () => {
  test('has the RFC 9562 layout: version 7, variant 10', () => {
    for (let i = 0; i < 200; i++) expect(isUuidv7(uuidv7())).toBe(true)
  })

  test('carries its creation time', () => {
    const make = createUuidv7({ now: () => 1_764_000_000_123 })
    expect(uuidv7Time(make())).toBe(1_764_000_000_123)
  })

  test('ids made in the same millisecond stay in order and unique', () => {
    const make = createUuidv7({ now: () => 1_764_000_000_000 })
    const ids = Array.from({ length: 5000 }, make)
    expect(new Set(ids).size).toBe(5000)
    expect([...ids].sort()).toEqual(ids)
    ids.forEach((id) => expect(isUuidv7(id)).toBe(true))
  })

  test('a clock that goes back does not break the order', () => {
    let t = 2_000_000
    const make = createUuidv7({ now: () => t })
    const a = make()
    t = 1_000_000
    const b = make()
    expect(b > a).toBe(true)
  })

  test('later milliseconds sort later', () => {
    let t = 1_000
    const make = createUuidv7({ now: () => t })
    const ids = []
    for (let i = 0; i < 50; i++) {
      t += 1
      ids.push(make())
    }
    expect([...ids].sort()).toEqual(ids)
  })
})
