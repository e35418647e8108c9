// The photo upload queue (design §2: photos are not replicated attachments). A photo is
// compressed on the device, named by its SHA-256 and kept in a local database of its own
// (never replicated) until POST /api/blobs has it; then it stays as a local copy so the
// order shows it offline (pickup compares it with the device). An intake names its photos
// by hash, and the server refuses an intake whose photos it has not received, so the sync
// layer holds the push of events while photos are waiting (see stores/sync.js).

export const PHOTO_DB = 'photos'

export async function sha256Hex(bytes) {
  const buf = bytes instanceof ArrayBuffer ? bytes : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const digest = await globalThis.crypto.subtle.digest('SHA-256', buf)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

async function bytesOf(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return new Uint8Array(await data.arrayBuffer()) // Blob
}

export class PhotoQueue {
  /**
   * @param {object} o
   * @param {PouchDB} o.db      a local-only database
   * @param {Function} o.upload (data, contentType) => Promise<{sha256}>  (POST /api/blobs)
   * @param {Function} [o.now]
   */
  constructor({ db, upload, now = () => Date.now() }) {
    this.db = db
    this.upload = upload
    this.now = now
    this.listeners = new Set()
    this.draining = null
  }

  onChange(fn) {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  async _emit() {
    const counts = await this.counts()
    this.listeners.forEach((fn) => fn(counts))
  }

  /** Keep a compressed photo (Blob in the browser, Buffer/Uint8Array in tests) for `orderId`; returns its SHA-256. */
  async add(data, { contentType = 'image/jpeg', orderId = null } = {}) {
    const sha = await sha256Hex(await bytesOf(data))
    try {
      const existing = await this.db.get(sha)
      if (orderId && !existing.orders?.includes(orderId)) {
        await this.db.put({ ...existing, orders: [...(existing.orders || []), orderId] })
      }
    } catch (e) {
      if (e.status !== 404) throw e
      await this.db.put({
        _id: sha,
        state: 'pending',
        content_type: contentType,
        orders: orderId ? [orderId] : [],
        added_at: this.now(),
        _attachments: { image: { content_type: contentType, data } },
      })
    }
    await this._emit()
    return sha
  }

  /** Name the order the photos belong to (they are taken before the intake is saved). */
  async attach(shas, orderId) {
    for (const sha of shas) {
      const doc = await this.db.get(sha)
      if (!doc.orders?.includes(orderId)) await this.db.put({ ...doc, orders: [...(doc.orders || []), orderId] })
    }
  }

  /** Forget photos taken for an intake that was not saved. */
  async discard(shas) {
    for (const sha of shas) {
      try {
        const doc = await this.db.get(sha)
        if (doc.state === 'pending' && !(doc.orders || []).length) await this.db.remove(doc)
      } catch (e) {
        if (e.status !== 404) throw e
      }
    }
    await this._emit()
  }

  async _all() {
    const res = await this.db.allDocs({ include_docs: true })
    return res.rows.map((r) => r.doc).filter((d) => !d._id.startsWith('_'))
  }

  /** Photos waiting to upload (taken for a saved intake or still being taken), and those the server refused. */
  async counts() {
    const docs = await this._all()
    return {
      pending: docs.filter((d) => d.state === 'pending').length,
      failed: docs.filter((d) => d.state === 'failed').map((d) => ({ sha: d._id, reason: d.reason, orders: d.orders || [] })),
    }
  }

  /** The stored image (Blob in the browser) or null when this device does not hold it. */
  async image(sha) {
    try {
      return await this.db.getAttachment(sha, 'image')
    } catch (e) {
      if (e.status === 404) return null
      throw e
    }
  }

  /**
   * Upload every pending photo, oldest first. A network failure stops the round (the photo
   * stays pending, tried again next time); a refusal (the server answered 4xx) marks the photo
   * failed with the reason, so one bad photo never blocks the others.
   * Resolves {uploaded, failed, pending}.
   */
  drain() {
    if (!this.draining) {
      this.draining = this._drain().finally(() => {
        this.draining = null
      })
    }
    return this.draining
  }

  async _drain() {
    let uploaded = 0
    let failed = 0
    const docs = (await this._all()).filter((d) => d.state === 'pending').sort((a, b) => a.added_at - b.added_at)
    for (const doc of docs) {
      const data = await this.db.getAttachment(doc._id, 'image')
      try {
        const res = await this.upload(data, doc.content_type)
        if (res?.sha256 && res.sha256 !== doc._id) throw Object.assign(new Error(`server stored ${res.sha256}`), { status: 422 })
        await this.db.put({ ...(await this.db.get(doc._id)), state: 'uploaded', uploaded_at: this.now() })
        uploaded++
      } catch (e) {
        if (!e.status || e.status >= 500 || e.status === 401) break // offline, server trouble or session: try later
        await this.db.put({ ...(await this.db.get(doc._id)), state: 'failed', reason: e.message || String(e) })
        failed++
      }
    }
    await this._emit()
    const { pending } = await this.counts()
    return { uploaded, failed, pending }
  }
}
