// An ApiError held by a form or a page, described in the current language (fields by their
// labels, the server's English messages translated: api/describe.js).
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { describeApiError, fieldErrorText } from '../api/describe.js'

export function useApiError(fields = []) {
  const { t, te, locale } = useI18n()
  const error = ref(null)

  const describe = (err) => describeApiError(err, { t, te, locale: locale.value, fields })
  const message = computed(() => describe(error.value))
  const fieldError = (field) => fieldErrorText(error.value, field, t, locale.value)

  return {
    error,
    message,
    fieldError,
    describe,
    set: (err) => {
      error.value = err
    },
    clear: () => {
      error.value = null
    },
  }
}
