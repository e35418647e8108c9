// The sync engine against PouchDB's memory adapter. The "remote" is another memory
// database standing in for /sync/<db> (the HTTP side is the api client's authFetch,
// tested in api.test.js; the proxy itself is tested by the sync tier).
import PouchDB from 'pouchdb-browser'
import memory from 'pouchdb-adapter-memory'
import { afterEach, describe, expect, test } from 'vitest'
import { SyncEngine, OUTBOX_DOC } from '../src/sync/engine.js'
import { overallStatus } from '../src/sync/status.js'
import { isUuidv7 } from '../src/sync/ids.js'
import { nextProvisionalCode, deviceCode, isProvisionalCode, COUNTER_DOC } from '../src/sync/codes.js'

PouchDB.plugin(memory)

let seq = 0
const engines = []

function makeEngine({ remotes = {}, patchRemote } = {}) {
  const run = ++seq
  let last = null
  const engine = new SyncEngine({
    PouchDB,
    localOptions: { adapter: 'memory' },
    remoteFactory: (name) => {
      if (!remotes[name]) remotes[name] = new PouchDB(`remote_${run}_${name}`, { adapter: 'memory' })
      if (patchRemote) patchRemote(name, remotes[name])
      return remotes[name]
    },
    onStatus: (s) => {
      last = s
    },
    backOffFn: () => 20,
  })
  engines.push(engine)
  const specs = [
    { name: `sp_t${run}`, direction: 'both' },
    { name: `master${run}`, direction: 'pull' },
  ]
  return { engine, remotes, specs, sp: specs[0].name, master: specs[1].name, status: () => last }
}

async function waitFor(cond, timeout = 4000) {
  const start = Date.now()
  for (;;) {
    const v = await cond()
    if (v) return v
    if (Date.now() - start > timeout) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 15))
  }
}

afterEach(async () => {
  while (engines.length) await engines.pop().stop()
})

describe('sync engine', () => {
  test('a document made on the device gets a UUIDv7, waits in the outbox, then reaches the server', async () => {
    const { engine, remotes, specs, sp, status } = makeEngine()
    await engine.start(specs)
    const res = await engine.put(sp, { type: 'intake', imei: '356938035643809' })
    expect(isUuidv7(res.id)).toBe(true)
    await waitFor(async () => (await remotes[sp].get(res.id).catch(() => null)) !== null)
    await waitFor(() => status().dbs[sp].pending === 0)
    const box = await engine.db(sp).get(OUTBOX_DOC)
    expect(box.pending).toEqual([])
    await waitFor(() => overallStatus({ online: true, dbs: status().dbs }).state === 'online')
    expect(overallStatus({ online: true, dbs: status().dbs }).lastSyncAt).toBeTypeOf('number')
  })

  test('listeners hear of every document written through put(), with its revision', async () => {
    const { engine, specs, sp } = makeEngine()
    await engine.start(specs)
    const heard = []
    const off = engine.onWrite((name, doc) => heard.push([name, doc._id, doc._rev, doc.type]))
    const res = await engine.put(sp, { type: 'note', text: 'x' })
    off()
    await engine.put(sp, { type: 'note', text: 'y' })
    expect(heard).toEqual([[sp, res.id, res.rev, 'note']])
  })

  test('master data comes down and is read-only on the device', async () => {
    const { engine, remotes, specs, master } = makeEngine()
    await engine.start(specs)
    await remotes[master].put({ _id: 'model:apple-iphone-15', type: 'model', name: 'iPhone 15' })
    await waitFor(async () => (await engine.db(master).get('model:apple-iphone-15').catch(() => null)) !== null)
    await expect(engine.put(master, { type: 'model' })).rejects.toThrow(/read-only/)
  })

  test('the pending count survives a restart (the outbox is a _local document)', async () => {
    // A remote that refuses connections: nothing can be pushed.
    const { engine, specs, sp, status } = makeEngine({
      patchRemote: (name, db) => {
        db.bulkDocs = async () => {
          const err = new Error('offline')
          err.status = 0
          throw err
        }
      },
    })
    await engine.start(specs)
    await engine.put(sp, { type: 'intake' })
    await engine.put(sp, { type: 'intake' })
    expect(status().dbs[sp].pending).toBe(2)
    await engine.stop()
    await engine.start(specs)
    expect(status().dbs[sp].pending).toBe(2)
  })

  test('a document the proxy refuses is kept as rejected with the reason', async () => {
    const { engine, specs, sp, status } = makeEngine({
      patchRemote: (name, db) => {
        const real = db.bulkDocs.bind(db)
        db.bulkDocs = async (req, opts) => {
          const docs = req.docs || req
          const bad = docs.filter((d) => d.imei === 'bad')
          const good = docs.filter((d) => d.imei !== 'bad')
          const ok = good.length ? await real({ ...req, docs: good }, opts) : []
          return [...ok, ...bad.map((d) => ({ id: d._id, error: 'forbidden', name: 'forbidden', reason: 'imei: not a valid IMEI', status: 403 }))]
        }
      },
    })
    await engine.start(specs)
    const good = await engine.put(sp, { type: 'intake', imei: '356938035643809' })
    const bad = await engine.put(sp, { type: 'intake', imei: 'bad' })
    await waitFor(() => status().dbs[sp].rejected.length === 1)
    await waitFor(() => status().dbs[sp].pending === 0)
    expect(status().dbs[sp].rejected[0]).toMatchObject({ id: bad.id, reason: 'imei: not a valid IMEI' })
    expect(good.id).not.toBe(bad.id)
  })

  test('a 413 from the proxy halves the batch and goes on', async () => {
    let calls = 0
    const { engine, remotes, specs, sp, status } = makeEngine({
      patchRemote: (name, db) => {
        if (db.__patched) return
        db.__patched = true
        const real = db.bulkDocs.bind(db)
        db.bulkDocs = async (req, opts) => {
          calls += 1
          const docs = req.docs || req
          if (docs.length > 3) {
            const err = new Error('request too large')
            err.status = 413
            err.name = 'payload_too_large'
            throw err
          }
          return real(req, opts)
        }
      },
    })
    const local = new PouchDB(`aftercare_${sp}`, { adapter: 'memory' })
    await local.bulkDocs(Array.from({ length: 10 }, (_, i) => ({ _id: `doc-${i}`, n: i })))
    await engine.start(specs)
    await waitFor(async () => (await remotes[sp].info()).doc_count === 10, 8000)
    expect(status().dbs[sp].batchSize).toBeLessThanOrEqual(3)
    expect(calls).toBeGreaterThan(1)
  })

  test('start/stop calls in a row leave one set of replications', async () => {
    const { engine, specs, sp } = makeEngine()
    engine.start(specs)
    engine.stop()
    await engine.start(specs)
    expect([...engine.entries.keys()]).toEqual([sp, specs[1].name])
    expect(Object.keys(engine.entries.get(sp).reps).sort()).toEqual(['pull', 'push'])
  })

  test('many documents written fast all leave the outbox once pushed', async () => {
    const { engine, remotes, specs, sp, status } = makeEngine()
    await engine.start(specs)
    const ids = (await Promise.all(Array.from({ length: 25 }, (_, i) => engine.put(sp, { type: 'intake', n: i })))).map((r) => r.id)
    await waitFor(async () => (await remotes[sp].info()).doc_count === 25)
    await waitFor(() => status().dbs[sp].pending === 0)
    expect(new Set(ids).size).toBe(25)
  })

  test('logout wipes the local databases', async () => {
    const { engine, specs, sp } = makeEngine()
    await engine.start(specs)
    await engine.put(sp, { type: 'intake' })
    await engine.destroyLocal(specs)
    const reopened = new PouchDB(`aftercare_${sp}`, { adapter: 'memory' })
    expect((await reopened.info()).doc_count).toBe(0)
  })
})

describe('provisional codes', () => {
  test('device code is made once and kept', () => {
    const store = new Map()
    const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) }
    const a = deviceCode(storage)
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}$/)
    expect(deviceCode(storage)).toBe(a)
  })

  test('counter codes are unique under concurrency and never replicate', async () => {
    const db = new PouchDB(`codes_${Date.now()}`, { adapter: 'memory' })
    const codes = await Promise.all(Array.from({ length: 12 }, () => nextProvisionalCode(db, 'K7QD5')))
    expect(new Set(codes).size).toBe(12)
    codes.forEach((c) => expect(isProvisionalCode(c)).toBe(true))
    expect(codes.sort()[0]).toBe('K7QD5-0001')
    expect((await db.get(COUNTER_DOC)).last).toBe(12)
    expect((await db.allDocs()).total_rows).toBe(0) // _local documents are not replicated
  })
})

describe('through the /sync proxy contract', () => {
  test('replication goes to /sync/<db> with the bearer token (api.authFetch), and a 404 shows as an error', async () => {
    const { createApiClient } = await import('../src/api/client.js')
    const { createTokenBox } = await import('../src/api/tokens.js')
    const store = new Map()
    const tokens = createTokenBox({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) })
    tokens.save({ access_token: 'tok-1', refresh_token: 'ref-1' })
    const seen = []
    const fakeFetch = async (url, opts = {}) => {
      seen.push({ url: String(url), auth: new Headers(opts.headers).get('Authorization'), credentials: opts.credentials })
      return new Response(JSON.stringify({ error: 'not_found', reason: 'no such database' }), { status: 404, headers: { 'Content-Type': 'application/json' } })
    }
    const api = createApiClient({ baseUrl: 'http://localhost', fetch: fakeFetch, tokens })
    let last = null
    const engine = new SyncEngine({
      PouchDB,
      remoteBase: 'http://localhost/sync',
      fetch: api.authFetch,
      localOptions: { adapter: 'memory' },
      onStatus: (s) => {
        last = s
      },
      backOffFn: () => 50,
    })
    engines.push(engine)
    await engine.start([{ name: 'master_proxy_test', direction: 'pull' }])
    await waitFor(() => last?.dbs.master_proxy_test?.state === 'error')
    expect(last.dbs.master_proxy_test.error.status).toBe(404)
    expect(seen.length).toBeGreaterThan(0)
    // PouchDB also asks the server root (GET /sync/) for a uuid; a 404 there is tolerated.
    expect(seen.some((c) => c.url.startsWith('http://localhost/sync/master_proxy_test/'))).toBe(true)
    for (const call of seen) {
      expect(call.url.startsWith('http://localhost/sync/')).toBe(true)
      expect(call.auth).toBe('Bearer tok-1')
      expect(call.credentials).toBe('omit')
    }
  })
})
