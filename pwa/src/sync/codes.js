// Provisional short codes: a device prints a ticket offline before the server has
// given the order its number (design §2). Code = device code + local counter,
// e.g. "K7QD5-0042". The device code is made once per device (5 Crockford base32
// characters, ~33 million values) and kept in localStorage; the counter lives in a
// _local document of the service point database (never replicated), bumped with
// PouchDB's revision check so two tabs never hand out the same number.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ' // Crockford: no I, L, O, U
const DEVICE_KEY = 'aftercare.deviceCode'
export const COUNTER_DOC = '_local/aftercare_provisional_counter'

export function makeDeviceCode(random = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n))) {
  return Array.from(random(5), (x) => ALPHABET[x & 31]).join('')
}

export function deviceCode(storage = globalThis.localStorage, random) {
  let code = storage?.getItem(DEVICE_KEY)
  if (!code || !/^[0-9A-Z]{5}$/.test(code)) {
    code = makeDeviceCode(random)
    storage?.setItem(DEVICE_KEY, code)
  }
  return code
}

export function formatProvisionalCode(device, n) {
  return `${device}-${String(n).padStart(4, '0')}`
}

export function isProvisionalCode(value) {
  return typeof value === 'string' && /^[0-9A-Z]{5}-\d{4,}$/.test(value)
}

/** Take the next counter value from `db` (a PouchDB) and return the code. */
export async function nextProvisionalCode(db, device) {
  for (let attempt = 0; attempt < 20; attempt++) {
    let doc
    try {
      doc = await db.get(COUNTER_DOC)
    } catch (e) {
      if (e.status !== 404) throw e
      doc = { _id: COUNTER_DOC, last: 0 }
    }
    const next = (doc.last || 0) + 1
    try {
      await db.put({ ...doc, last: next })
      return formatProvisionalCode(device, next)
    } catch (e) {
      if (e.status !== 409) throw e // someone else took one: read again
    }
  }
  throw new Error('could not take a provisional code (too much contention)')
}
