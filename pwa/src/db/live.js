// An in-memory copy of (part of) a local database, kept current by its changes feed: read once
// with allDocs, then every change applied as it comes. Screens project from memory instead of
// re-reading thousands of documents from IndexedDB on every sync burst.
//
// Changes are read without bodies; the bodies of the documents this copy keeps are then fetched
// in one allDocs per burst, so a master-data sync of 50,000 records costs one small read per
// batch for the prefixes a screen needs (and nothing for the others).
//
// A copy may be kept on the device too (`persist`): one _local document holding the documents
// and the sequence they reflect, written a moment after changes stop. Opening the app then reads
// that one document and the changes since, instead of every document one by one.

const FORMAT = 1
const SAVE_QUIET_MS = 1000
const SAVE_MAX_WAIT_MS = 10_000

export class LiveDocs {
  /**
   * @param {object} db            a PouchDB database
   * @param {object} [o]
   * @param {string[]} [o.prefixes] only documents whose id starts with one of these (default: all but _design)
   * @param {Function} [o.shape]   doc => what to keep of it (default: the document)
   * @param {string} [o.persist]   keep the copy on the device under this name
   */
  constructor(db, { prefixes = null, shape = (d) => d, persist = null, saveQuietMs = SAVE_QUIET_MS } = {}) {
    this.db = db
    this.saveQuietMs = saveQuietMs
    this.restored = false
    this.saveId = persist ? `_local/aftercare_copy_${persist}` : null
    this.saveTimer = null
    this.firstUnsaved = null
    this.prefixes = prefixes
    this.shape = shape
    this.docs = new Map()
    this.version = 0
    this.listeners = new Set()
    this.feed = null
    this.closed = false
    this.pending = new Set()
    this.flushing = null
    this.ready = this._load()
    // A failed first read (database closed under it) must not escape as an unhandled rejection.
    this.ready.catch(() => {})
  }

  keeps(id) {
    if (id.startsWith('_design/')) return false
    return !this.prefixes || this.prefixes.some((p) => id.startsWith(p))
  }

  async _load() {
    const started = globalThis.performance?.now()
    // The sequence first: whatever is written while reading comes again through the feed.
    const { update_seq: current } = await this.db.info()
    let since = await this._restore(current)
    const restored = since !== null
    this.restored = restored
    if (!restored) {
      since = current
      const ranges = this.prefixes ? this.prefixes.map((p) => ({ startkey: p, endkey: `${p}\uffff` })) : [{}]
      for (const range of ranges) {
        const res = await this.db.allDocs({ include_docs: true, ...range })
        for (const row of res.rows) if (this.keeps(row.id)) this.docs.set(row.id, this.shape(row.doc))
      }
    }
    this.seq = since
    if (this.closed) return
    // Seen in the browser's performance timeline (and printed by make bench-pwa).
    globalThis.performance?.measure?.(`aftercare live ${this.db.name} ${this.prefixes || '*'} (${this.docs.size}${restored ? ', kept copy' : ''})`, { start: started })
    this.version++
    this.feed = this.db
      .changes({ live: true, since })
      .on('change', (c) => this._changed(c))
      // The database may close under the feed (logout, a switched user leaving): end quietly.
      .on('error', () => {})
    this.feed.catch?.(() => {})
    if (!restored) this._scheduleSave()
  }

  /** The kept copy, if there is a usable one: its documents go in, its sequence comes back. */
  async _restore(current) {
    if (!this.saveId) return null
    try {
      const kept = await this.db.get(this.saveId)
      // A copy from another format or ahead of the database (recreated since) is not used.
      if (kept.format !== FORMAT || typeof kept.seq !== 'number' || typeof current !== 'number' || kept.seq > current) return null
      for (const [id, doc] of kept.docs) this.docs.set(id, doc)
      return kept.seq
    } catch (e) {
      if (e.status !== 404) console.warn('aftercare: kept copy unreadable', e)
      return null
    }
  }

  _scheduleSave() {
    if (!this.saveId || this.closed) return
    const now = Date.now()
    this.firstUnsaved ??= now
    clearTimeout(this.saveTimer)
    const wait = Math.max(0, Math.min(this.saveQuietMs, this.firstUnsaved + SAVE_MAX_WAIT_MS - now))
    this.saveTimer = setTimeout(() => this._save().catch((e) => console.warn('aftercare: keeping the copy failed', e)), wait)
  }

  async _save() {
    if (this.closed) return
    this.saveTimer = null
    // Only a settled copy is kept: every change up to `seq` applied, none half-read.
    if (this.flushing || this.pending.size) return this._scheduleSave()
    const body = { format: FORMAT, seq: this.seq, docs: [...this.docs] }
    this.firstUnsaved = null
    for (let attempt = 0; attempt < 3; attempt++) {
      let rev
      try {
        rev = (await this.db.get(this.saveId))._rev
      } catch (e) {
        if (e.status !== 404) throw e
      }
      try {
        await this.db.put({ _id: this.saveId, ...(rev ? { _rev: rev } : {}), ...body })
        return
      } catch (e) {
        if (e.status !== 409) throw e
      }
    }
  }

  _changed(change) {
    this.seq = change.seq
    if (!this.keeps(change.id)) return
    if (change.deleted) {
      this.pending.delete(change.id)
      if (this.docs.delete(change.id)) this._bump()
      return
    }
    this.pending.add(change.id)
    if (!this.flushing) this.flushing = Promise.resolve().then(() => this._flush())
  }

  async _flush() {
    try {
      while (this.pending.size && !this.closed) {
        const keys = [...this.pending]
        this.pending.clear()
        const res = await this.db.allDocs({ keys, include_docs: true })
        const changed = []
        for (const row of res.rows) {
          if (row.doc) {
            const doc = this.shape(row.doc)
            this.docs.set(row.id, doc)
            changed.push(doc)
          } else if (row.value?.deleted || row.error) this.docs.delete(row.key)
        }
        this._bump(changed)
      }
    } catch {
      /* closed under us: the copy is dropped with its database */
    } finally {
      this.flushing = null
    }
  }

  /** `changed`: the documents just stored (deletions come with none). */
  _bump(changed = []) {
    this.version++
    for (const fn of this.listeners) fn(this.version, changed)
    this._scheduleSave()
  }

  /** A document this device has just written, in memory at once (its change follows through the feed). */
  apply(doc) {
    if (this.closed || !this.keeps(doc._id)) return
    const kept = this.shape(doc)
    this.docs.set(doc._id, kept)
    this._bump([kept])
  }

  /** Resolves when the first read is done and every change seen so far is applied. */
  async settled() {
    await this.ready
    while (this.flushing) await this.flushing
  }

  /** Documents kept (values), optionally those under one prefix. */
  values(prefix = null) {
    const out = []
    for (const [id, doc] of this.docs) if (!prefix || id.startsWith(prefix)) out.push(doc)
    return out
  }

  /** Call `fn(version, changedDocs)` after each change applied; returns the unsubscribe function. */
  listen(fn) {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  close() {
    this.closed = true
    clearTimeout(this.saveTimer)
    this.listeners.clear()
    this.feed?.cancel()
  }
}

// The copies in use, one per open database and purpose (a key); a database reopened (new login,
// switched user) gets new ones.
const lives = new Map()

/** The copy under `key` of `db`, made when there is none (or its database was reopened). */
export function live(db, key, options) {
  const found = lives.get(key)
  if (found && found.db === db && !found.closed) return found
  found?.close()
  const copy = new LiveDocs(db, options)
  lives.set(key, copy)
  return copy
}

/** The copy under `key` if one is open, else undefined (never makes one). */
export function liveCopy(key) {
  const copy = lives.get(key)
  return copy && !copy.closed ? copy : undefined
}

export function forget() {
  for (const copy of lives.values()) copy.close()
  lives.clear()
}
