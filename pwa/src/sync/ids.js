// Document ids are made on the device, once, before the first send (design §2):
// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter that
// keeps ids made in the same millisecond in order (method 1 of §6.2), variant 10,
// 62 random bits. Sorted ids are sorted by creation time, which keeps B-trees
// (CouchDB's and the ERP's) append-mostly.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

function defaultRandom(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n))
}

export function createUuidv7({ now = () => Date.now(), random = defaultRandom } = {}) {
  let lastMs = -1
  let counter = 0

  return function uuidv7() {
    let ms = now()
    const rnd = random(10)
    if (ms > lastMs) {
      lastMs = ms
      // Start the counter in the lower half so it has room to grow.
      counter = ((rnd[0] & 0x07) << 8) | rnd[1]
    } else {
      // Same millisecond (or the clock went back): keep order by counting on.
      ms = lastMs
      counter += 1
      if (counter > 0xfff) {
        lastMs += 1
        ms = lastMs
        counter = 0
      }
    }
    const b = new Uint8Array(16)
    // 48-bit big-endian timestamp (Math.floor division: no 32-bit bit ops on ms)
    let t = ms
    for (let i = 5; i >= 0; i--) {
      b[i] = t % 256
      t = Math.floor(t / 256)
    }
    b[6] = 0x70 | ((counter >> 8) & 0x0f)
    b[7] = counter & 0xff
    b[8] = 0x80 | (rnd[2] & 0x3f)
    for (let i = 9; i < 16; i++) b[i] = rnd[i - 6]
    const h = Array.from(b, (x) => HEX[x]).join('')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }
}

export const uuidv7 = createUuidv7()

const UUIDV7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export function isUuidv7(value) {
  return typeof value === 'string' && UUIDV7_RE.test(value)
}

/** The creation time written in a UUIDv7 (ms since the epoch). */
export function uuidv7Time(value) {
  return parseInt(value.replace(/-/g, '').slice(0, 12), 16)
}
