// The claim answer page's own decisions: a refused file's cells listed row by row.
import { describe, expect, test } from 'vitest'
import { badRows } from '../src/pages/claims/claims.js'

describe('claims', () => {
  test('a refused answer file lists its bad cells by row, then the file-wide ones', () => {
    expect(badRows({
      'rows.13.reason': ["a rejection needs the manufacturer's reason"],
      'rows.4.accepted_amount': ["a cut must be less than the line's amount"],
      'rows.21.line_id': ['no such line on this claim'],
    })).toEqual([
      { row: 4, col: 'accepted_amount', msg: "a cut must be less than the line's amount" },
      { row: 13, col: 'reason', msg: "a rejection needs the manufacturer's reason" },
      { row: 21, col: 'line_id', msg: 'no such line on this claim' },
    ])
    expect(badRows({ file: ['not an Excel workbook (.xlsx)'] })).toEqual([{ row: 0, col: 'file', msg: 'not an Excel workbook (.xlsx)' }])
    expect(badRows(undefined)).toEqual([])
  })
})
