// The sync store around a switch of identity (switch user / leave): replication of the
// old identity's databases stops before the new token exists, and resumes if the
// switch fails.
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

const calls = []
vi.mock('../src/sync/index.js', () => ({
  engine: {
    start: vi.fn(async (specs) => calls.push(['start', specs.map((s) => s.name)])),
    stop: vi.fn(async () => calls.push(['stop'])),
    kick: vi.fn(),
    destroyLocal: vi.fn(async () => {}),
    holdPush: vi.fn(),
  },
  photoQueue: { onChange: () => {}, counts: async () => ({ pending: 0, failed: [] }), drain: async () => ({ pending: 0 }) },
  destroyPhotos: vi.fn(async () => {}),
  databasesFor: (org) => [{ name: `sp_${org.code.toLowerCase()}`, direction: 'both' }],
  deviceCode: () => 'DEV1',
  onSyncStatus: () => () => {},
}))

const { useSyncStore } = await import('../src/stores/sync.js')

describe('sync store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
  })

  test('replication is stopped before the identity changes', async () => {
    const sync = useSyncStore()
    const org = { kind: 'service_point', code: 'SZ01' }
    await sync.startFor(org)
    const result = await sync.whileIdentityChanges(async () => {
      calls.push(['change'])
      return 'switched'
    }, org)
    expect(result).toBe('switched')
    expect(calls).toEqual([['start', ['sp_sz01']], ['stop'], ['change']])
    expect(sync.startedFor).toBe(null)
    // The new identity's organisation starts afresh (same code or not).
    await sync.startFor(org)
    expect(calls.at(-1)).toEqual(['start', ['sp_sz01']])
  })

  test('a failed switch resumes replication for the organisation it served', async () => {
    const sync = useSyncStore()
    const org = { kind: 'service_point', code: 'SZ01' }
    await sync.startFor(org)
    await expect(sync.whileIdentityChanges(async () => {
      throw new Error('refused')
    }, org)).rejects.toThrow('refused')
    await vi.waitFor(() => expect(calls.at(-1)).toEqual(['start', ['sp_sz01']]))
    expect(sync.startedFor).toBe('service_point:SZ01')
  })
})
