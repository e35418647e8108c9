import { describe, expect, it } from 'vitest'
import { buildCashup, buildReturn, buildSale, checkPayments, expectedByAccount, lineGross, projectRetail, saleTotal, units, yuan } from '../src/retail/sale.js'
import { retailToken, tokenTarget } from '../src/print/token.js'

const ctx = { org: '0193a6f2-7c41-7d2a-9b3e-4f1c2d3e4a5b', userId: '0193a6f2-7c41-7d2a-9b3e-4f1c2d3e4a5c', deviceId: 'tab-1' }
const CASH = { id: 'cash', kind: 'cash' }
const WECHAT = { id: 'wechat', kind: 'bank' }

describe('retail money, as server/trade/pricing.py counts it', () => {
  it('rounds each line half-up to the cent and sums the lines', () => {
    expect(yuan(lineGross(3, '0.335'))).toBe('1.01') // 1.005 → 1.01
    expect(yuan(saleTotal([{ quantity: 1, price: '5999' }, { quantity: 1, price: '199' }]))).toBe('6198.00')
    expect(units('-1')).toBe(null)
  })

  it('splits payments: at least the total, change in cash only', () => {
    const total = units('6198')
    const ok = checkPayments(total, [{ accountId: 'wechat', amount: '5000' }, { accountId: 'cash', amount: '1300' }], [CASH, WECHAT])
    expect(ok.problems).toEqual({})
    expect(yuan(ok.change)).toBe('102.00')
    expect(checkPayments(total, [{ accountId: 'cash', amount: '100' }], [CASH]).problems).toEqual({ payments: 'short' })
    expect(checkPayments(total, [{ accountId: 'wechat', amount: '7000' }], [WECHAT]).problems).toEqual({ payments: 'cashOnlyChange' })
    expect(checkPayments(total, [{ accountId: 'cash', amount: '7000' }, { accountId: 'cash', amount: '1' }], [CASH]).problems['payments.1.account_id']).toBe('twice')
  })
})

describe('retail events and the projection', () => {
  it('writes a sale, its return and the cash-up, and expects what the server keeps', () => {
    const sale = buildSale({ warehouseId: 'wh', lines: [{ itemId: 'phone', quantity: 1, price: '5999', listPrice: '5999.00', serials: ['867777770000078'] },
      { itemId: 'bat', quantity: 2, price: '180', listPrice: '199' }], payments: [{ accountId: 'wechat', amount: '5000' }, { accountId: 'cash', amount: '1400' }] }, ctx)
    expect(sale.type).toBe('retail_sale')
    expect(sale.lines[0].unit_price).toBeUndefined()
    expect(sale.lines[1].unit_price).toBe('180')
    expect(sale.payments).toEqual([{ account_id: 'wechat', amount: '5000' }, { account_id: 'cash', amount: '1400' }])
    const ret = buildReturn(sale._id, { lines: [{ saleLineId: sale.lines[1].id, quantity: 1 }], reason: '不想要了' }, { ...ctx, now: new Date() })
    const status = { _id: `status:${sale._id}`, state: 'posted', numbers: { retail_sale: 'LS-SZ01-2612-00001', stock_state: 'posted' } }
    const items = { phone: { name: '手机', retail_price: '5999.00' }, bat: { name: '电池', retail_price: '199.00' } }
    const retail = projectRetail([sale, ret, status], items)
    expect(retail.sales[0].number).toBe('LS-SZ01-2612-00001')
    expect(yuan(retail.sales[0].total)).toBe('6359.00')
    expect(retail.sales[0].returned[sale.lines[1].id]).toBe(1)
    const day = retail.sales[0].day
    const exp = expectedByAccount(retail, 'wh', day, [CASH, WECHAT])
    // Kept: WeChat 5000, cash 1400 − 41 change = 1359; the 180 refund goes back to WeChat first.
    expect(yuan(exp.wechat)).toBe('4820.00')
    expect(yuan(exp.cash)).toBe('1359.00')
    const up = buildCashup({ warehouseId: 'wh', businessDate: day, counted: [{ accountId: 'cash', amount: '1350' }, { accountId: 'wechat', amount: '' }] }, ctx)
    expect(up.counted).toEqual([{ account_id: 'cash', amount: '1350' }])
  })

  it('prints an L1 code the server resolves to the sale', () => {
    const id = '0193a6f2-7c41-7d2a-9b3e-4f1c2d3e4a5b'
    expect(tokenTarget(retailToken(id))).toEqual({ kind: 'retail_sale', id })
  })
})
