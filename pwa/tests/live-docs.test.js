// The in-memory copies screens read from: loaded once, then kept current by the feed.
import PouchDB from 'pouchdb-browser'
import memory from 'pouchdb-adapter-memory'
import { afterEach, describe, expect, test } from 'vitest'
import { LiveDocs } from '../src/db/live.js'

PouchDB.plugin(memory)

let n = 0
const open = []
function db() {
  const d = new PouchDB(`live_${++n}`, { adapter: 'memory' })
  open.push(d)
  return d
}
const copies = []
function copyOf(d, o) {
  const c = new LiveDocs(d, o)
  copies.push(c)
  return c
}
afterEach(async () => {
  for (const c of copies.splice(0)) c.close()
  for (const d of open.splice(0)) await d.destroy()
})

async function until(cond) {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10))
  expect(Boolean(await cond())).toBe(true)
}

function changed(copy) {
  return new Promise((resolve) => {
    const off = copy.listen((v) => {
      off()
      resolve(v)
    })
  })
}

describe('LiveDocs', () => {
  test('holds what was there, then every change, and tells listeners after applying it', async () => {
    const d = db()
    await d.bulkDocs([{ _id: 'a', x: 1 }, { _id: 'b', x: 2 }])
    const copy = copyOf(d)
    await copy.settled()
    expect(copy.values().map((x) => x.x).sort()).toEqual([1, 2])
    const seen = []
    const announced = []
    copy.listen((v, changed) => {
      seen.push(copy.docs.get('c')?.x)
      announced.push(...changed.map((d) => d._id))
    })
    await d.put({ _id: 'c', x: 3 })
    const a = await d.get('a')
    await d.put({ ...a, x: 10 })
    await until(() => copy.docs.get('a').x === 10)
    expect(copy.docs.get('c').x).toBe(3)
    expect(seen[0]).toBe(3) // the listener saw the new document already in memory
    expect(announced).toContain('c') // and was told which documents changed
    expect(announced).toContain('a')
    await d.remove(await d.get('b'))
    await changed(copy)
    expect(copy.docs.has('b')).toBe(false)
  })

  test('writes made while the first read runs are not lost', async () => {
    const d = db()
    await d.bulkDocs(Array.from({ length: 300 }, (_, i) => ({ _id: `k${String(i).padStart(4, '0')}` })))
    const copy = copyOf(d)
    await Promise.all(Array.from({ length: 20 }, (_, i) => d.put({ _id: `late${i}` })))
    await copy.settled()
    await until(() => copy.docs.size === 320)
  })

  test('keeps only its prefixes, shaped, and ignores design documents', async () => {
    const d = db()
    await d.bulkDocs([{ _id: 'tacs:1', code: '35000001', model_id: 'm1', big: 'x'.repeat(100) }, { _id: 'models:1', name: 'Mate' }, { _id: '_design/v' }])
    const copy = copyOf(d, { prefixes: ['tacs:'], shape: (x) => ({ code: x.code, model_id: x.model_id }) })
    await copy.settled()
    expect(copy.values()).toEqual([{ code: '35000001', model_id: 'm1' }])
    const versions = []
    copy.listen((v) => versions.push(v))
    await d.put({ _id: 'models:2', name: 'P60' }) // not kept: no change announced
    await d.put({ _id: 'tacs:2', code: '35000002', model_id: 'm2' })
    await changed(copy)
    expect(copy.values('tacs:').map((t) => t.code).sort()).toEqual(['35000001', '35000002'])
    expect(copy.docs.has('models:2')).toBe(false)
    expect(versions.length).toBe(1)
  })

  test('a document written on this device is there at once, before its change comes round', async () => {
    const d = db()
    const copy = copyOf(d)
    await copy.settled()
    const doc = { _id: 'event1', type: 'repair_event' }
    const res = await d.put(doc)
    copy.apply({ ...doc, _rev: res.rev })
    expect(copy.docs.get('event1')._rev).toBe(res.rev)
    await until(() => !copy.flushing && copy.seq === 1)
    expect(copy.docs.size).toBe(1)
  })

  test('a kept copy opens from one document and catches up with the changes since', async () => {
    const d = db()
    await d.bulkDocs([{ _id: 'a', x: 1 }, { _id: 'b', x: 2 }])
    const first = copyOf(d, { persist: 'point', saveQuietMs: 10 })
    await first.settled()
    expect(first.restored).toBe(false)
    const kept = await until(() => d.get('_local/aftercare_copy_point').catch(() => null)).then(() => d.get('_local/aftercare_copy_point'))
    expect(kept.docs.map(([id]) => id).sort()).toEqual(['a', 'b'])
    first.close()
    // Written while no copy was open: a change, a new document and a deletion.
    await d.put({ ...(await d.get('a')), x: 10 })
    await d.put({ _id: 'c', x: 3 })
    await d.remove(await d.get('b'))
    const second = copyOf(d, { persist: 'point', saveQuietMs: 10 })
    await second.settled()
    expect(second.restored).toBe(true)
    await until(() => second.docs.get('a')?.x === 10 && second.docs.has('c') && !second.docs.has('b'))
  })

  test('a kept copy ahead of its database is not used', async () => {
    const d = db()
    await d.put({ _id: 'real', x: 1 })
    await d.put({ _id: '_local/aftercare_copy_point', format: 1, seq: 999, docs: [['ghost', { _id: 'ghost' }]] })
    const copy = copyOf(d, { persist: 'point' })
    await copy.settled()
    expect(copy.restored).toBe(false)
    expect([...copy.docs.keys()]).toEqual(['real'])
  })

  test('a closed copy stops following', async () => {
    const d = db()
    const copy = copyOf(d)
    await copy.settled()
    copy.close()
    await d.put({ _id: 'after' })
    await new Promise((r) => setTimeout(r, 50))
    expect(copy.docs.has('after')).toBe(false)
  })
})
