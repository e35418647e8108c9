// IMEI checks at the counter: 15 digits whose last is the Luhn check digit of the
// first 14 (the server refuses anything else, so the wizard says so before saving).

/** Luhn check digit (0–9) of a string of digits. */
export function luhnCheckDigit(body) {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

const DECIMAL_DIGIT = /\p{Nd}/u

/** The value (0–9) of a decimal digit of any script: Unicode assigns them in runs of ten, 0 to 9. */
function digitValue(ch) {
  const cp = ch.codePointAt(0)
  let start = cp
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--
  return (cp - start) % 10
}

/** Spaces and dashes a scanner or a person may add are dropped; digits typed in another script
 * (fullwidth ８, Arabic-Indic ٨) become ASCII, as the server stores them (basedata/text.py). */
export function normaliseImei(value) {
  return String(value ?? '')
    .replace(/\p{Nd}/gu, (d) => (d >= '0' && d <= '9' ? d : String(digitValue(d))))
    .replace(/[\s-]/g, '')
}

/** null when `value` is a good IMEI, else 'required' | 'digits' | 'length' | 'luhn'. */
export function imeiProblem(value) {
  const imei = normaliseImei(value)
  if (!imei) return 'required'
  if (!/^\d+$/.test(imei)) return 'digits'
  if (imei.length !== 15) return 'length'
  if (luhnCheckDigit(imei.slice(0, 14)) !== imei[14]) return 'luhn'
  return null
}

/** The Type Allocation Code: the first 8 digits, which name the model. */
export function tacOf(imei) {
  const s = normaliseImei(imei)
  return /^\d{8}/.test(s) ? s.slice(0, 8) : null
}
