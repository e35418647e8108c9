// What a printed QR code says about a repair order: 'R1' + the order's id (the UUIDv7 made on the
// device at intake) in Crockford base32, 26 characters. The server makes the same token
// (server/printing/qr.py) and resolves it only for a logged-in user who may see the order, so a
// provisional ticket printed offline scans the same as the official one. Both are tested against
// token-vectors.json.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

export function orderToken(uuid) {
  const hex = String(uuid).replace(/-/g, '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`)
  let n = BigInt(`0x${hex}`)
  let out = ''
  for (let i = 0; i < 26; i++) {
    out = ALPHABET[Number(n & 31n)] + out
    n >>= 5n
  }
  return `R1${out}`
}

/** The order id a scanned token names, or null when the text is not an order token. */
export function orderIdFromToken(token) {
  const s = String(token ?? '').trim().toUpperCase()
  if (!/^R1[0-9A-HJKMNP-TV-Z]{26}$/.test(s)) return null
  let n = 0n
  for (const ch of s.slice(2)) n = (n << 5n) | BigInt(ALPHABET.indexOf(ch))
  if (n >> 128n) return null
  const hex = n.toString(16).padStart(32, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
