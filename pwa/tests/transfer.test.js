// The receiving screen's reading of a count (pages/transfer/api.js): the server's rule, restated.
import { describe, expect, it } from 'vitest'
import { lineOutcome } from '../src/pages/transfer/api.js'

describe('lineOutcome', () => {
  it('reads what is short when fewer arrived than were sent, damaged ones counting as arrived', () => {
    expect(lineOutcome('5.000', '3', '0')).toEqual({ shortfall: 2, surplus: 0 })
    expect(lineOutcome('5.000', '3', '1')).toEqual({ shortfall: 1, surplus: 0 })
    expect(lineOutcome('5', '5', 0)).toEqual({ shortfall: 0, surplus: 0 })
  })

  it('reads a surplus when more arrived than were sent', () => {
    expect(lineOutcome('4', '5', '0')).toEqual({ shortfall: 0, surplus: 1 })
    expect(lineOutcome('4', '4', '1')).toEqual({ shortfall: 0, surplus: 1 })
  })

  it('takes blank inputs as nothing counted', () => {
    expect(lineOutcome('2', '', undefined)).toEqual({ shortfall: 2, surplus: 0 })
  })
})
