// The admin screens' pure logic (Vitest): a record's API body from form values and the export's
// fields, and which orders an acting administrator may un-audit.

const blank = (v) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '')

/**
 * The body of a create or an edit: every field given, text trimmed, a blank optional text sent as
 * '' (clears it), a blank reference or number left out (the server's default), whole numbers as
 * numbers, several choices as a list.
 */
export function recordBody(fields, values) {
  const body = {}
  for (const f of fields) {
    const v = values[f.name]
    if (f.type === 'enums' || f.type === 'list') body[f.name] = Array.isArray(v) ? [...v] : []
    else if (f.type === 'bool') body[f.name] = !!v
    else if (f.type === 'int') {
      if (blank(v)) continue
      const s = String(v).trim()
      body[f.name] = /^-?\d+$/.test(s) ? Number(s) : s
    } else if (f.type === 'ref' || f.type === 'uuid' || f.type === 'enum') {
      if (blank(v)) {
        if (!f.required && f.type === 'ref' && values.__editing) body[f.name] = null
        continue
      }
      body[f.name] = v
    } else body[f.name] = blank(v) ? '' : String(v).trim()
  }
  return body
}

/** Whether the machine offers un-audit on this order to this session (state, permission, guard). */
export function mayUnaudit(order, { permissions = [], acting = false } = {}) {
  if (!order || order.state !== 'audited') return false
  if (!permissions.includes('repair.unaudit')) return false
  return acting && (order.allowed_events ? order.allowed_events.includes('unaudit') : true)
}
