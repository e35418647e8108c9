import { describe, expect, test } from 'vitest'
import { backOff, isTooLarge, overallStatus, smallerBatch } from '../src/sync/status.js'

describe('sync indicator', () => {
  const db = (over) => ({ name: 'sp_sz01', state: 'paused', lastSyncAt: 1000, pending: 0, rejected: [], error: null, ...over })

  test('offline wins over everything', () => {
    expect(overallStatus({ online: false, dbs: { a: db({ state: 'error', error: { message: 'x' } }) } }).state).toBe('offline')
  })

  test('idle before any database is open', () => {
    expect(overallStatus({ online: true, dbs: {} }).state).toBe('idle')
  })

  test('error, then syncing, then online', () => {
    expect(overallStatus({ online: true, dbs: { a: db({ state: 'error', error: { status: 404, message: 'missing' } }), b: db({ state: 'active' }) } }).state).toBe('error')
    expect(overallStatus({ online: true, dbs: { a: db({ state: 'active' }), b: db() } }).state).toBe('syncing')
    expect(overallStatus({ online: true, dbs: { a: db(), b: db({ name: 'master' }) } }).state).toBe('online')
  })

  test('pending and rejected add up; last sync is the oldest database’s', () => {
    const s = overallStatus({
      online: true,
      dbs: {
        a: db({ pending: 2, lastSyncAt: 5000, rejected: [{ id: 'x', reason: 'bad imei' }] }),
        b: db({ name: 'master', pending: 1, lastSyncAt: 3000 }),
      },
    })
    expect(s.pending).toBe(3)
    expect(s.rejected).toEqual([{ db: 'sp_sz01', id: 'x', reason: 'bad imei' }])
    expect(s.lastSyncAt).toBe(3000)
    expect(overallStatus({ online: true, dbs: { a: db({ lastSyncAt: null }) } }).lastSyncAt).toBeNull()
  })
})

describe('retry policy', () => {
  test('back-off doubles up to five minutes, with jitter', () => {
    const mid = () => 0.5
    expect(backOff(0, mid)).toBe(1000)
    expect(backOff(1000, mid)).toBe(2000)
    expect(backOff(64000, mid)).toBe(128000)
    expect(backOff(300000, mid)).toBe(300000)
    expect(backOff(1000, () => 0)).toBe(1600)
    expect(backOff(1000, () => 1)).toBe(2400)
  })

  test('413 halves the batch down to one', () => {
    expect(isTooLarge({ status: 413 })).toBe(true)
    expect(isTooLarge({ status: 500 })).toBe(false)
    expect(smallerBatch(100)).toBe(50)
    expect(smallerBatch(3)).toBe(1)
    expect(smallerBatch(1)).toBe(1)
  })
})
