// The commission screen's own small decisions (pages/commissions/commissions.js).
import { describe, expect, it } from 'vitest'
import { shiftMonth, thisMonth } from '../src/pages/commissions/commissions.js'

describe('months', () => {
  it('this month is YYYY-MM in local time', () => {
    expect(thisMonth(new Date(2026, 0, 31, 23, 59))).toBe('2026-01')
    expect(thisMonth(new Date(2026, 11, 1))).toBe('2026-12')
  })
  it('steps across years both ways', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01')
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
    expect(shiftMonth('2026-03', -14)).toBe('2025-01')
  })
})
