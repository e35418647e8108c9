// Purchasing on the workspace's screens: a VAT rate (an exact fraction on the wire) shows as a percentage.
import { describe, expect, it } from 'vitest'
import { formatCell } from '../src/workspace/meta.js'

const fmt = { date: (v) => v, dateTime: (v) => v, quantity: (v) => `Q${Number(v)}`, money: (v) => `¥${v}`, ref: (l, id) => id, yes: '是', no: '否' }
const rate = { name: 'tax_rate', type: 'decimal', places: 4, format: 'rate', label: { 'zh-CN': '税率', en: 'VAT' } }

describe('a rate field', () => {
  it('shows the fraction as a percentage, never as money', () => {
    expect(formatCell(rate, '0.1300', 'zh-CN', fmt)).toBe('13%')
    expect(formatCell(rate, '0.0650', 'zh-CN', fmt)).toBe('6.5%')
    expect(formatCell(rate, '0.0000', 'en', fmt)).toBe('0%')
    expect(formatCell({ ...rate, format: undefined }, '0.1300', 'en', fmt)).toBe('¥0.1300')
  })
})
