// Photos are compressed on the device before they are kept and uploaded: a phone camera's
// 4–12 MB picture becomes a JPEG of at most 1600 px on its long side (≈150–400 KB), well
// under the server's blob limit and light on a counter's mobile data.
export const MAX_SIDE = 1600
export const QUALITY = 0.8

/** The size to draw an image of w × h at so that its long side is at most `max`. */
export function fitWithin(w, h, max = MAX_SIDE) {
  const scale = Math.min(1, max / Math.max(w, h))
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) }
}

/** Browser only: a File/Blob image → a JPEG Blob. */
export async function compressImage(file, { max = MAX_SIDE, quality = QUALITY } = {}) {
  const bitmap = await createImageBitmap(file)
  const { width, height } = fitWithin(bitmap.width, bitmap.height, max)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  ctx.fillStyle = '#fff' // transparent PNGs would turn black in a JPEG
  ctx.fillRect(0, 0, width, height)
  ctx.drawImage(bitmap, 0, 0, width, height)
  bitmap.close?.()
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('could not encode the photo'))), 'image/jpeg', quality))
}
