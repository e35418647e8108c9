// The finance screens' own decisions: links to routes, counterparty routes and queries, exact sums, ranges.
import { describe, expect, test } from 'vitest'
import { candidatesFor, counterpartyQuery, importProblems, counterpartyRoute, isoDay, linkRoute, monthStart, oldestFirst, pick, rangeProblem, settlementDirection, settlementPath, sumMoney } from '../src/pages/finance/finance.js'

describe('finance', () => {
  test('a source document opens where a screen shows it', () => {
    const all = () => true
    expect(linkRoute({ kind: 'workspace', type: 'goods_receipt', id: 'd1' }, all)).toEqual({ name: 'workspace-document', params: { type: 'goods_receipt', id: 'd1' } })
    expect(linkRoute({ kind: 'repair_order', id: 'o1', number: 'WX-1' }, all)).toEqual({ name: 'ws-repair-orders-detail', params: { id: 'o1' } })
    // Without the online order page, the counter's; without either, no link.
    expect(linkRoute({ kind: 'repair_order', id: 'o1' }, (n) => n === 'repair-order')).toEqual({ name: 'repair-order', params: { id: 'o1' } })
    expect(linkRoute({ kind: 'repair_order', id: 'o1' }, () => false)).toBeNull()
    expect(linkRoute({ kind: 'workspace', type: 'repair_refund', id: 'r1' }, (n) => n !== 'workspace-document')).toBeNull()
    expect(linkRoute({ kind: 'something_else', id: 'b1' }, all)).toBeNull()
    expect(linkRoute(null, all)).toBeNull()
  })

  test('a counterparty is named by organisation, kind and id; walk-in customers have no id', () => {
    const row = { org_id: 'o', counterparty_kind: 'party', counterparty_id: 'p' }
    expect(counterpartyRoute(row)).toEqual({ name: 'finance-counterparty', params: { orgId: 'o', kind: 'party', cpId: 'p' } })
    expect(counterpartyRoute({ org_id: 'o', counterparty_kind: 'walk_in', counterparty_id: null }).params).toEqual({ orgId: 'o', kind: 'walk_in' })
    expect(counterpartyQuery({ orgId: 'o', kind: 'member', cpId: 'm' })).toEqual({ org_id: 'o', counterparty_kind: 'member', counterparty_id: 'm' })
    expect(counterpartyQuery({ orgId: 'o', kind: 'walk_in', cpId: 'x' }).counterparty_id).toBeUndefined()
  })

  test('money adds up to the cent, signs included', () => {
    expect(sumMoney(['0.10', '0.20', '0.30'])).toBe('0.60')
    expect(sumMoney(['100.00', '-130.5', '0.05'])).toBe('-30.45')
    expect(sumMoney(['-0.50'])).toBe('-0.50')
    expect(sumMoney([])).toBe('0.00')
    expect(sumMoney(['12345678901.99', '1.01', null])).toBe('12345678903.00')
  })

  test('dates and ranges', () => {
    expect(isoDay(new Date(2026, 0, 5))).toBe('2026-01-05')
    expect(monthStart(new Date(2026, 1, 17), 2)).toBe('2025-12-01')
    expect(rangeProblem('2026-02-01', '2026-01-01')).toBe('finance.ledger.badRange')
    expect(rangeProblem('2026-01-01', '')).toBe('')
    expect(pick({ 'zh-CN': '押金单', en: 'Deposit' }, 'en')).toBe('Deposit')
    expect(pick(null, 'en', 'x')).toBe('x')
  })

  test('a receipt or payment: its path and the balance it settles', () => {
    expect(settlementPath('finance_receipt')).toBe('/api/finance/receipts')
    expect(settlementPath('finance_payment')).toBe('/api/finance/payments')
    expect(settlementDirection('finance_receipt')).toBe('receivable')
    expect(settlementDirection('finance_payment')).toBe('payable')
  })

  test('oldest first spreads the money over open charges, skipping credits, to the cent', () => {
    const items = [{ document_id: 'a', open: '100.10' }, { document_id: 'c', open: '-5.00' }, { document_id: 'b', open: '250.00' },
      { document_id: 'd', open: '40.00' }]
    expect(oldestFirst(items, '300.15')).toEqual({ a: '100.10', b: '200.05' })
    expect(oldestFirst(items, '1000.00')).toEqual({ a: '100.10', b: '250.00', d: '40.00' })
    expect(oldestFirst(items, '0.00')).toEqual({})
  })

  test('a refused statement file lists every bad row by row and column; the file-wide problem has no row', () => {
    expect(importProblems({ 'rows.7.date': ['not a date'], 'rows.3.amount': ['not an amount'], 'rows.3.date': ['required'] })).toEqual([
      { row: 3, field: 'amount', message: 'not an amount' },
      { row: 3, field: 'date', message: 'required' },
      { row: 7, field: 'date', message: 'not a date' },
    ])
    expect(importProblems({ file: ['the file is empty'] })).toEqual([{ row: null, field: 'file', message: 'the file is empty' }])
    expect(importProblems(undefined)).toEqual([])
  })

  test('a line is matched by hand to entries of the same amount, nearest date first', () => {
    const entries = [
      { id: 'far', amount: '300.00', doc_date: '2026-11-01' },
      { id: 'other', amount: '-300.00', doc_date: '2026-11-10' },
      { id: 'near', amount: '300.0', doc_date: '2026-11-09' },
    ]
    expect(candidatesFor({ amount: '300.00', value_date: '2026-11-10' }, entries).map((e) => e.id)).toEqual(['near', 'far'])
    expect(candidatesFor({ amount: '1.00', value_date: '2026-11-10' }, entries)).toEqual([])
  })
})
