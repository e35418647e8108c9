// A refused document action, in the person's language: each field named by its label from the
// export (a line field as "line 2 · Quantity"), the server's messages as it words them in the
// reader's language, a stock shortfall with its figures. Pure: t, locale and the entry are passed in.
import { describeApiError, translateFieldMessage } from '../api/describe.js'
import { lineFields, headerFields, pick, splitFieldPath } from './meta.js'

// The server answers its messages in the reader's language (server/messages.py, Accept-Language):
// they are shown as given; only the machine's codes are read (api/describe.js).
export function translateMessage(msg, t, locale) {
  return translateFieldMessage(msg, t, locale)
}

/** The label of an error's field path: a header field, "line 2 · Quantity", or the path itself. */
export function fieldLabel(entry, kind, path, { t, locale }) {
  const { line, field } = splitFieldPath(path)
  if (line !== null) {
    const f = lineFields(entry, kind).find((x) => x.name === field)
    return t('workspace.errors.lineField', { n: line + 1, field: f ? pick(f.label, locale) : field })
  }
  const f = headerFields(entry, kind).find((x) => x.name === field) || entry.fields.find((x) => x.name === field)
  const input = entry.actions.flatMap((a) => a.input || []).find((x) => x.name === field)
  return f ? pick(f.label, locale) : input ? pick(input.label, locale) : field
}

/**
 * {message, fields: {path: text}, atFields} for an ApiError on a document screen. `shown` are the paths the
 * form shows at their inputs; every other field's message goes into the sentence, labelled.
 */
export function describeDocumentError(err, entry, kind, { t, locale, shown = [] }) {
  if (!err) return { message: '', fields: {}, atFields: false }
  const fields = {}
  for (const [path, msgs] of Object.entries(err.errors || {})) {
    fields[path] = (Array.isArray(msgs) ? msgs : [msgs]).map((m) => translateMessage(String(m), t, locale)).join(' ')
  }
  const others = Object.entries(fields)
    .filter(([path]) => !shown.includes(path))
    .map(([path, text]) => `${fieldLabel(entry, kind, path, { t, locale })}：${text}`)
  let message
  switch (err.code) {
    case 'negative_stock': {
      const x = err.extra || {}
      message = x.item ? t('workspace.errors.negativeStock', { item: x.item, where: x.location, onHand: x.on_hand, needed: x.needed, missing: x.missing }) : t('workspace.errors.negativeStockShort')
      return { message, fields }
    }
    case 'transition_refused':
      return { message: t('workspace.errors.transition'), fields }
    case 'period_closed':
      return { message: t('workspace.errors.periodClosed'), fields }
    case 'conflict':
      return { message: t('workspace.errors.conflict'), fields }
    case 'validation_error':
    case 'serial_problem':
      message = others.length ? `${t('errors.validation')} ${others.join('；')}` : t('errors.validation')
      // Every message is at its field: a screen may leave the sentence out.
      return { message, fields, atFields: !others.length && Object.keys(fields).length > 0 }
    default:
      return { message: describeApiError(err, { t, locale }), fields }
  }
}
