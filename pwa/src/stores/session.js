// Who is logged in, what they may do, and (while an administrator has switched
// user, spec §16.1) who is acting. The profile is kept in localStorage next to the
// tokens so a user who logged in before can open the app offline.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { authApi, directoryApi, metaApi, tokens } from '../api/index.js'

const PROFILE_KEY = 'aftercare.profile'

function readProfile() {
  try {
    const raw = globalThis.localStorage?.getItem(PROFILE_KEY)
    return raw ? JSON.parse(raw) : null
  } catch {
    return null
  }
}

function writeProfile(profile) {
  try {
    if (profile) globalThis.localStorage?.setItem(PROFILE_KEY, JSON.stringify(profile))
    else globalThis.localStorage?.removeItem(PROFILE_KEY)
  } catch {
    /* storage full or unavailable: the session still works online */
  }
}

export const useSessionStore = defineStore('session', () => {
  const profile = ref(tokens.access() ? readProfile() : null)
  const hasTokens = ref(!!tokens.access())

  tokens.subscribe((event, pair) => {
    hasTokens.value = !!tokens.access()
    if (event === 'saved' && pair?.user && profile.value) {
      // A refresh keeps who is who; switch/leave change it (the profile reloads after).
      profile.value = { ...profile.value, user: pair.user, actingFor: pair.acting_for || null }
      writeProfile(profile.value)
    }
    if (event === 'expired' || event === 'cleared') {
      profile.value = null
      writeProfile(null)
    }
  })

  const user = computed(() => profile.value?.user || null)
  const actingFor = computed(() => profile.value?.actingFor || null)
  const permissions = computed(() => profile.value?.permissions || [])
  const organisation = computed(() => profile.value?.organisation || null)
  const catalogue = computed(() => profile.value?.catalogue || null)
  const seesAll = computed(() => !!profile.value?.seesAll)
  const isAuthenticated = computed(() => hasTokens.value && !!user.value)

  function can(permission) {
    return !permission || permissions.value.includes(permission)
  }

  function roleLabel(role, locale) {
    const labels = catalogue.value?.roles?.[role]
    return (labels && (labels[locale] || labels['zh-CN'])) || role
  }

  /** Load /api/auth/me, the permission catalogue and the organisation. */
  async function loadProfile() {
    const [me, cat] = await Promise.all([authApi.me(), metaApi.permissions()])
    let org = null
    try {
      org = await directoryApi.organisation(me.user.org_id)
    } catch (e) {
      if (e.isNetwork) throw e
      org = null // e.g. a dealer account may not read the directory
    }
    profile.value = {
      user: me.user,
      actingFor: me.acting_for || null,
      permissions: me.permissions || [],
      seesAll: !!me.sees_all_organisations,
      organisation: org,
      catalogue: cat,
      loadedAt: Date.now(),
    }
    writeProfile(profile.value)
    return profile.value
  }

  async function login(username, password) {
    const pair = await authApi.login(username, password)
    tokens.save(pair)
    return loadProfile()
  }

  /** Renew what the server knows (online); keep the stored profile when offline. */
  async function revalidate() {
    if (!hasTokens.value) return null
    try {
      return await loadProfile()
    } catch (e) {
      if (e.isNetwork) return profile.value
      throw e
    }
  }

  async function logout() {
    const refreshToken = tokens.refresh()
    try {
      if (refreshToken) await authApi.logout(refreshToken)
    } catch {
      /* offline or already expired: the local session ends anyway */
    }
    tokens.clear()
  }

  async function switchTo(userId) {
    const pair = await authApi.switchUser(userId)
    tokens.save(pair)
    return loadProfile()
  }

  async function leaveSwitch() {
    const pair = await authApi.leaveSwitch(tokens.refresh())
    tokens.save(pair)
    return loadProfile()
  }

  return {
    profile, user, actingFor, permissions, organisation, catalogue, seesAll, isAuthenticated,
    can, roleLabel, loadProfile, login, revalidate, logout, switchTo, leaveSwitch,
  }
})
