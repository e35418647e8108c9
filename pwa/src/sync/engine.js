// Owns the local PouchDB databases and their live replication through the server's
// sync proxy (/sync/<db>, bearer token added by the injected fetch). The service
// point database replicates both ways (a live push and a live pull), master data is
// pull only. Retries with back-off; a 413 from the proxy restarts the replication with
// half the batch; documents the proxy refuses (`forbidden` per document in
// _bulk_docs) are kept as "rejected" with the reason.
//
// Documents written through put() are remembered in an outbox (_local document, never
// replicated) until the push reports them accepted, so the number of events not yet
// uploaded is known offline too.
import { uuidv7 } from './ids.js'
import { localName } from './names.js'
import { backOff, isAuthError, isTooLarge, smallerBatch } from './status.js'

export const OUTBOX_DOC = '_local/aftercare_outbox'
// Events are small (photos go to /api/blobs); after a day offline a counter pushes hundreds:
// bigger batches, fewer round trips over a mobile network (a 413 halves the batch).
const DEFAULT_BATCH = 250
// Live feeds one local database may carry at once (in-memory copies and replication).
const LOCAL_FEEDS_MAX = 50
// A first sync pulls tens of thousands of documents: bigger pages, fewer round trips. The
// pull's checkpoint is kept on the device only (no write through the proxy per page; the
// server never needs to know how far a device has read).
const PULL_BATCH = 500
const warn = (e) => console.warn('aftercare sync: outbox update failed', e)

function describeError(err) {
  return { status: err?.status || 0, message: err?.reason || err?.message || String(err), auth: isAuthError(err) }
}

export class SyncEngine {
  /**
   * @param {object} o
   * @param {Function} o.PouchDB           PouchDB constructor (pouchdb-browser in the app)
   * @param {string} [o.remoteBase]        origin + '/sync' of the proxy
   * @param {Function} [o.fetch]           fetch with the bearer token (api.authFetch)
   * @param {object} [o.localOptions]      options for local databases (tests: {adapter: 'memory'})
   * @param {Function} [o.remoteFactory]   name => PouchDB (tests replace the HTTP remote)
   * @param {Function} [o.onStatus]        called with {dbs} whenever something changes
   * @param {Function} [o.now]
   */
  constructor({ PouchDB, remoteBase = '/sync', fetch, localOptions = {}, remoteFactory, onStatus = () => {}, now = () => Date.now(), backOffFn = backOff }) {
    this.PouchDB = PouchDB
    this.remoteBase = remoteBase.replace(/\/$/, '')
    this.fetch = fetch
    this.localOptions = localOptions
    this.remoteFactory = remoteFactory || ((name) => this._httpRemote(name))
    this.onStatus = onStatus
    this.now = now
    this.backOffFn = backOffFn
    this.entries = new Map()
    this.heldPushes = new Set()
    this.writeListeners = new Set()
    this.outboxLock = Promise.resolve()
    this.lifecycle = Promise.resolve()
  }

  /** start/stop/destroyLocal run one at a time, in call order. */
  _serial(fn) {
    const run = this.lifecycle.then(fn)
    this.lifecycle = run.catch(() => {})
    return run
  }

  _httpRemote(name) {
    const url = new URL(`${this.remoteBase}/${name}`, globalThis.location?.href || 'http://localhost/').href
    // skip_setup: devices never create databases; the server provisions them.
    return new this.PouchDB(url, { fetch: this.fetch, skip_setup: true })
  }

  /** Open the local databases and start replicating `specs` ([{name, direction}]). */
  start(specs) {
    return this._serial(() => this._start(specs))
  }

  async _start(specs) {
    this._stop()
    for (const spec of specs) {
      const local = new this.PouchDB(localName(spec.name), { ...this.localOptions, auto_compaction: true })
      // Each screen's in-memory copy follows the database on a feed of its own, beside replication:
      // more than the emitter's default ten is expected, not a leak (copies are shared per key).
      local.setMaxListeners?.(LOCAL_FEEDS_MAX)
      const entry = {
        name: spec.name,
        direction: spec.direction,
        local,
        remote: null,
        reps: {},
        dir: {},
        batchSize: DEFAULT_BATCH,
        pushHeld: this.heldPushes?.has(spec.name) || false,
        status: { name: spec.name, state: 'connecting', lastSyncAt: null, pending: 0, rejected: [], error: null, batchSize: DEFAULT_BATCH },
      }
      this.entries.set(spec.name, entry)
      const outbox = await this._readOutbox(entry)
      entry.status.pending = outbox.pending.length
      entry.status.rejected = outbox.rejected
      this._replicate(entry)
    }
    this._emit()
  }

  /** Stop every replication (local data stays). */
  stop() {
    return this._serial(() => this._stop())
  }

  _stop() {
    for (const entry of this.entries.values()) this._cancel(entry)
    this.entries.clear()
    this._emit()
  }

  /** Restart the replications now (back online, token renewed) instead of waiting for the back-off. */
  kick() {
    for (const entry of this.entries.values()) {
      this._cancel(entry)
      this._replicate(entry)
    }
    this._emit()
  }

  /** Delete the local copies (logout). */
  destroyLocal(specs) {
    return this._serial(async () => {
      const names = new Set([...this.entries.keys(), ...(specs || []).map((s) => s.name)])
      this._stop()
      for (const name of names) {
        const db = new this.PouchDB(localName(name), this.localOptions)
        await db.destroy()
      }
    })
  }

  db(name) {
    const entry = this.entries.get(name)
    if (!entry) throw new Error(`database ${name} is not open`)
    return entry.local
  }

  /** Write a new document made on this device; it stays in the outbox until the server has it. */
  async put(name, doc) {
    const entry = this.entries.get(name)
    if (!entry) throw new Error(`database ${name} is not open`)
    if (entry.direction !== 'both') throw new Error(`database ${name} is read-only on devices`)
    const toWrite = { ...doc, _id: doc._id || uuidv7() }
    // Listed before it is written: the live push may report it sent at once.
    await this._updateOutbox(entry, (box) => {
      if (!box.pending.includes(toWrite._id)) box.pending.push(toWrite._id)
    })
    try {
      const res = await entry.local.put(toWrite)
      for (const fn of this.writeListeners) fn(name, { ...toWrite, _rev: res.rev })
      return res
    } catch (e) {
      await this._updateOutbox(entry, (box) => {
        box.pending = box.pending.filter((id) => id !== toWrite._id)
      })
      throw e
    }
  }

  /** Call `fn(name, doc)` after each document written through put() is stored (before the feeds see it). */
  onWrite(fn) {
    this.writeListeners.add(fn)
    return () => this.writeListeners.delete(fn)
  }

  status() {
    const dbs = {}
    for (const [name, entry] of this.entries) dbs[name] = { ...entry.status, rejected: [...entry.status.rejected] }
    return { dbs }
  }

  // -- internals ---------------------------------------------------------------

  _emit() {
    this.onStatus(this.status())
  }

  _set(entry, changes) {
    Object.assign(entry.status, changes)
    this._emit()
  }

  _cancel(entry) {
    for (const rep of Object.values(entry.reps || {})) {
      rep.removeAllListeners?.()
      // A request in flight may still fail after the cancel; an 'error' event with no
      // listener would be thrown as an uncaught error in the page.
      rep.on?.('error', () => {})
      rep.cancel()
    }
    entry.reps = {}
  }

  // Push and pull run as two live replications (not db.sync()), so each direction
  // reports its own errors: a 413 only ever concerns the push.
  _replicate(entry) {
    if (!entry.remote) entry.remote = this.remoteFactory(entry.name)
    entry.reps = {}
    entry.dir = {}
    entry.status.state = 'connecting'
    entry.status.batchSize = entry.batchSize
    const directions = entry.direction === 'both' && !entry.pushHeld ? ['pull', 'push'] : ['pull']
    for (const direction of directions) this._startDirection(entry, direction)
  }

  /**
   * Hold (or release) the push of `name`: nothing leaves the device while held. The photo queue
   * holds it while photos an event names are not uploaded yet (the server would refuse the event).
   */
  holdPush(name, held) {
    if (held) this.heldPushes.add(name)
    else this.heldPushes.delete(name)
    const entry = this.entries.get(name)
    if (!entry || entry.direction !== 'both' || entry.pushHeld === held) return
    entry.pushHeld = held
    if (held) {
      const rep = entry.reps.push
      rep?.removeAllListeners?.()
      rep?.cancel()
      delete entry.reps.push
      delete entry.dir.push
    } else if (entry.reps.pull) {
      this._startDirection(entry, 'push')
    }
    this._set(entry, { pushHeld: held })
  }

  _startDirection(entry, direction) {
    const opts = {
      live: true,
      retry: true,
      batch_size: direction === 'push' ? entry.batchSize : PULL_BATCH,
      batches_limit: 5,
      ...(direction === 'pull' ? { checkpoint: 'target' } : {}),
      back_off_function: (delay) => this.backOffFn(delay),
    }
    const rep = direction === 'push' ? entry.local.replicate.to(entry.remote, opts) : entry.local.replicate.from(entry.remote, opts)
    entry.reps[direction] = rep
    entry.dir[direction] = { state: 'connecting', error: null }

    // synced: this direction has just moved data or caught up without error.
    const update = (state, error = null, synced = false) => {
      entry.dir[direction] = { state, error }
      const dirs = Object.values(entry.dir)
      const failed = dirs.find((d) => d.error)
      const combined = failed ? 'error' : dirs.some((d) => d.state === 'active') ? 'active' : dirs.every((d) => d.state === 'paused') ? 'paused' : 'connecting'
      const changes = { state: combined, error: failed ? failed.error : null }
      if (synced) changes.lastSyncAt = this.now()
      this._set(entry, changes)
    }

    rep.on('active', () => update('active'))
    rep.on('change', (info) => {
      if (direction === 'push' && info.docs?.length) {
        const ids = new Set(info.docs.map((d) => d._id))
        this._updateOutbox(entry, (box) => {
          box.pending = box.pending.filter((id) => !ids.has(id))
        }).catch(warn)
      }
      update('active', null, true)
    })
    rep.on('paused', (err) => {
      if (!err) return update('paused', null, true)
      if (direction === 'push' && isTooLarge(err) && entry.batchSize > 1) return this._shrinkPush(entry, err)
      update('error', describeError(err))
    })
    // Emitted on every failed attempt before the back-off (also when 'paused' is not).
    rep.on('requestError', (err) => {
      if (direction === 'push' && isTooLarge(err) && entry.batchSize > 1) return this._shrinkPush(entry, err)
      update('error', describeError(err))
    })
    rep.on('denied', (err) => {
      const id = err?.id || err?._id
      const reason = err?.reason || err?.message || 'forbidden'
      if (!id) return
      this._updateOutbox(entry, (box) => {
        box.pending = box.pending.filter((x) => x !== id)
        box.rejected = box.rejected.filter((r) => r.id !== id)
        box.rejected.push({ id, reason, at: this.now() })
      }).catch(warn)
    })
    rep.on('error', (err) => {
      if (direction === 'push' && isTooLarge(err) && entry.batchSize > 1) return this._shrinkPush(entry, err)
      update('error', describeError(err))
    })
  }

  /** The proxy said 413: restart the push with half the batch. */
  _shrinkPush(entry, err) {
    entry.batchSize = smallerBatch(entry.batchSize)
    const rep = entry.reps.push
    rep?.removeAllListeners?.()
    rep?.on?.('error', () => {})
    rep?.cancel()
    entry.status.batchSize = entry.batchSize
    this._set(entry, { error: describeError(err) })
    this._startDirection(entry, 'push')
  }

  async _readOutbox(entry) {
    try {
      const doc = await entry.local.get(OUTBOX_DOC)
      return { pending: doc.pending || [], rejected: doc.rejected || [] }
    } catch (e) {
      if (e.status === 404) return { pending: [], rejected: [] }
      throw e
    }
  }

  /** Serialised read-modify-write of the outbox document. */
  _updateOutbox(entry, mutate) {
    const run = async () => {
      let doc
      try {
        doc = await entry.local.get(OUTBOX_DOC)
      } catch (e) {
        if (e.status !== 404) throw e
        doc = { _id: OUTBOX_DOC, pending: [], rejected: [] }
      }
      const box = { pending: [...(doc.pending || [])], rejected: [...(doc.rejected || [])] }
      mutate(box)
      await entry.local.put({ ...doc, ...box })
      this._set(entry, { pending: box.pending.length, rejected: box.rejected })
    }
    const done = this.outboxLock.then(run)
    this.outboxLock = done.catch(() => {})
    return done
  }
}
