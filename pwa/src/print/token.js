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
