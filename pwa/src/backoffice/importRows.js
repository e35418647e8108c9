// An import report (POST /api/<kind>/import) as a person reads it: one table row per problem
// (file row, column, the field's name, the reason in the user's language), and a summary.
// Pure (t is passed in): unit-tested without a component.
import { fieldOfColumn } from './kinds.js'

// The importer's reasons (server/basedata/importexport.py), translated when known.
const REASONS = [
  [/^required$/, 'required'],
  [/^not a whole number$/, 'notInteger'],
  [/^must be between (-?\d+) and (-?\d+)$/, 'between', (m) => ({ min: m[1], max: m[2] })],
  [/^not a number$/, 'notNumber'],
  [/^must be a non-negative number$/, 'negative'],
  [/^must be a positive number$/, 'notPositive'],
  [/^must be true or false$/, 'notBool'],
  [/^not a date \(YYYY-MM-DD\)$/, 'notDate'],
  [/^must be one of (.+)$/, 'oneOf', (m) => ({ values: m[1] })],
  [/^unknown: (.+) \(allowed: (.+)\)$/, 'unknownValues', (m) => ({ values: m[1], allowed: m[2] })],
  [/^no [\w -]+ with code (.+)$/, 'noCode', (m) => ({ code: m[1] })],
  [/^unknown codes: (.+)$/, 'noCode', (m) => ({ code: m[1] })],
  [/^no user (.+)$/, 'noUser', (m) => ({ name: m[1] })],
  [/^no organisation (.+)$/, 'noOrg', (m) => ({ code: m[1] })],
  [/^not your organisation$/, 'notYourOrg'],
  [/^duplicate of row (\d+)$/, 'duplicate', (m) => ({ row: m[1] })],
  [/^longer than (\d+) characters$/, 'tooLong', (m) => ({ n: m[1] })],
  [/^unknown column\(s\): (.+); expected (.+)$/, 'unknownColumns', (m) => ({ columns: m[1], expected: m[2] })],
]

export function translateReason(message, t) {
  for (const [re, key, params] of REASONS) {
    const m = re.exec(message)
    if (m) return t(`backoffice.import.reason.${key}`, params ? params(m) : {})
  }
  return message
}

/** The field's label for an import column ('model_code' → the model field's label). */
export function columnLabel(kind, column, t) {
  if (column === 'org_code') return t('backoffice.field.org_id')
  const f = kind ? fieldOfColumn(kind, column) : null
  return f ? t(`backoffice.field.${f.name}`) : column
}

/** Table rows for q-table: [{key, row, column, field, reason}] ordered by row, then column order. */
export function importErrorRows(report, kind, t) {
  const errors = report?.errors || []
  return errors
    .map((e, i) => ({
      key: `${e.row}:${e.column}:${i}`,
      row: e.row,
      column: e.column,
      field: columnLabel(kind, e.column, t),
      reason: translateReason(e.message, t),
    }))
    .sort((a, b) => a.row - b.row || 0)
}

/** What happened, for the banner: {state: 'none' | 'errors' | 'ready' | 'done', badRows, problems, counts}. */
export function importSummary(report) {
  if (!report) return { state: 'none', badRows: 0, problems: 0, counts: { rows: 0, created: 0, updated: 0, unchanged: 0 } }
  const errors = report?.errors || []
  const badRows = new Set(errors.map((e) => e.row)).size
  const counts = { rows: report?.rows || 0, created: report?.created || 0, updated: report?.updated || 0, unchanged: report?.unchanged || 0 }
  const state = errors.length ? 'errors' : report?.dry_run ? 'ready' : 'done'
  return { state, badRows, problems: errors.length, counts }
}
