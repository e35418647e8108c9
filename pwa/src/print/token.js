// What a printed QR code says about a repair order: 'R1' + the order's id (the UUIDv7 made on the
// device at intake) in Crockford base32, 26 characters. The server makes the same token
// (server/printing/qr.py) and resolves it only for a logged-in user who may see the order, so a
// provisional ticket printed offline scans the same as the official one. Both are tested against
// token-vectors.json.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

// Printed codes name what they open by a two-character prefix (server/printing/qr.py KINDS).
export const TOKEN_KINDS = { R1: 'repair_order', S1: 'stock_document', E1: 'exchange_order', L1: 'retail_sale' }
// Crockford base32 reads the letters a person or a scanner may confuse as the digits they resemble.
const DECODE = Object.fromEntries([...ALPHABET].map((c, i) => [c, i]).concat([['O', 0], ['I', 1], ['L', 1]]))

function token(prefix, uuid) {
  const hex = String(uuid).replace(/-/g, '').toLowerCase()
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`)
  let n = BigInt(`0x${hex}`)
  let out = ''
  for (let i = 0; i < 26; i++) {
    out = ALPHABET[Number(n & 31n)] + out
    n >>= 5n
  }
  return prefix + out
}

export function orderToken(uuid) {
  return token('R1', uuid)
}

export function stockToken(uuid) {
  return token('S1', uuid)
}

/** An exchange order's code (its id made on the tablet at intake): the offline ticket scans as the official one. */
export function exchangeToken(uuid) {
  return token('E1', uuid)
}

/** A retail sale's code (its id made on the counter's tablet): the receipt printed offline scans as the official one. */
export function retailToken(uuid) {
  return token('L1', uuid)
}

/** What a scanned code opens: { kind, id } (kind from TOKEN_KINDS), or null when the text is not a
 *  printed document's code. The same reading as the server's parse_token. */
export function tokenTarget(text) {
  const s = String(text ?? '').trim().toUpperCase()
  const kind = TOKEN_KINDS[s.slice(0, 2)]
  if (!kind || s.length !== 28) return null
  let n = 0n
  for (const ch of s.slice(2)) {
    if (!(ch in DECODE)) return null
    n = (n << 5n) | BigInt(DECODE[ch])
  }
  if (n >> 128n) return null
  const hex = n.toString(16).padStart(32, '0')
  return { kind, id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` }
}

/** The order id a scanned token names, or null when the text is not an order token. */
export function orderIdFromToken(text) {
  const target = tokenTarget(text)
  return target?.kind === 'repair_order' ? target.id : null
}
