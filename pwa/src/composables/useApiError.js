// Turns an ApiError into what a person reads: a message for the form, and the
// messages of each field next to that field, in the user's language.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'

// Messages the server's validation produces, translated when known.
const KNOWN_FIELD_MESSAGES = {
  'Missing data for required field.': 'validation.required',
  'Field may not be null.': 'validation.required',
  'Shorter than minimum length 1.': 'validation.required',
  'Unknown field.': 'validation.unknown',
  'Not a valid string.': 'validation.invalid',
  'Not a valid UUID.': 'validation.invalid',
  'Not a valid integer.': 'validation.invalid',
}

export function useApiError(fields = []) {
  const { t, locale } = useI18n()
  const error = ref(null)

  function translateFieldMessage(msg) {
    const key = KNOWN_FIELD_MESSAGES[msg]
    return key ? t(key) : msg
  }

  function fieldError(field) {
    const msgs = error.value?.fieldMessages?.(field) || []
    return msgs.map(translateFieldMessage).join(' ')
  }

  const message = computed(() => describe(error.value))

  function describe(err) {
    if (!err) return ''
    if (err.isNetwork) return t('errors.network')
    switch (err.code) {
      case 'unauthorized':
        return err.message === 'account is deactivated' ? t('errors.inactive') : t('errors.unauthorized')
      case 'account_locked': {
        const until = err.extra?.locked_until ? new Date(err.extra.locked_until) : null
        return until
          ? t('errors.lockedUntil', { until: until.toLocaleString(locale.value, { hour12: false }) })
          : t('errors.locked')
      }
      case 'forbidden':
        return t('errors.forbidden')
      case 'not_found':
        return t('errors.notFound')
      case 'validation_error': {
        const others = err.otherFieldMessages(fields)
        return others.length ? `${t('errors.validation')} ${others.map(translateFieldMessage).join('; ')}` : t('errors.validation')
      }
      case 'too_many_requests':
        return t('errors.tooMany')
      default:
        return err.requestId ? t('errors.genericWithId', { message: err.message, id: err.requestId }) : t('errors.generic', { message: err.message || err.code })
    }
  }

  function set(err) {
    error.value = err
  }

  function clear() {
    error.value = null
  }

  return { error, message, fieldError, set, clear, describe }
}
