// The repair order's state machine as the server defines it (server/repair/statemachine.py,
// exported into src/generated/ at build time: states, events, permissions, guard names and
// labels). The guards are named rules over an order's facts; their rules are the only part
// written here, and a unit test fails when the server names a guard this file does not know.
import generated from '../generated/repair-machine.json'

export const MACHINE = generated

const RULES = {
  quotation_accepted_if_chargeable: (f) => !f.chargeable || f.quotation === 'accepted',
  repair_started: (f) => f.repair_started,
  repair_not_started: (f) => !f.repair_started,
  qc_passed_or_unrepaired: (f) => f.qc_passed || f.unrepaired,
  followup_optional: (f) => f.followup_optional,
  device_at_point: (f) => !f.forwarded_out,
  device_away: (f) => f.forwarded_out,
  device_here: (f) => f.device_here,
  device_at_owner: (f) => f.at_owner,
  device_not_at_owner: (f) => !f.at_owner && !f.forwarded_out,
  on_way_to_higher_point: (f) => f.forwarded_out && f.to_higher_point,
  on_way_home: (f) => f.forwarded_out && !f.to_higher_point,
  acting_admin: (f) => f.acting_admin,
}

export const GUARD_RULES = RULES

/** The server's default facts (dataclass defaults of Facts). */
export const DEFAULT_FACTS = Object.freeze({
  chargeable: false,
  quotation: 'none',
  repair_started: false,
  qc_passed: false,
  unrepaired: false,
  followup_optional: false,
  forwarded_out: false,
  settled: false,
  device_here: true,
  at_owner: true,
  to_higher_point: false,
  followed_up: false,
  acting_admin: false,
})

function pick(label, locale) {
  if (!label) return ''
  return label[locale] || label[locale === 'en' ? 'en' : 'zh-CN'] || label['zh-CN'] || label.en || ''
}

export function stateLabel(state, locale, machine = MACHINE) {
  const s = machine.states.find((x) => x.name === state)
  return s ? pick(s.label, locale) : state
}

export function eventLabel(event, locale, machine = MACHINE) {
  const e = machine.events.find((x) => x.event === event)
  return e ? pick(e.label, locale) : event
}

export function guardLabel(name, locale, machine = MACHINE) {
  const g = machine.guards.find((x) => x.name === name)
  return g ? pick(g.label, locale) : name
}

/** Guard names the machine uses that have no rule here (a test keeps this empty). */
export function unknownGuards(machine = MACHINE) {
  return machine.guards.map((g) => g.name).filter((n) => !RULES[n])
}

/**
 * Why `event` cannot be fired now: null when it can, else {kind: 'state'|'permission'|'guard', guard?}.
 * Same order of checks as the server's check().
 */
export function refusal(event, { state, facts = DEFAULT_FACTS, permissions = null }, machine = MACHINE) {
  const t = machine.events.find((x) => x.event === event)
  if (!t) return { kind: 'unknown' }
  if (!t.from.includes(state)) return { kind: 'state' }
  if (permissions && !permissions.includes(t.permission)) return { kind: 'permission', permission: t.permission }
  const f = { ...DEFAULT_FACTS, ...facts }
  for (const g of t.guards) {
    const rule = RULES[g]
    if (!rule || !rule(f)) return { kind: 'guard', guard: g }
  }
  return null
}

/**
 * The events this user may fire on an order now, in the machine's order: [{event, to, fields, permission}].
 * Events the machine marks `online` (un-audit: the server must see the switched administrator) are
 * left out unless `online` is asked for: a screen that posts offline events cannot fire them.
 */
export function nextActions({ state, facts, permissions, online = false }, machine = MACHINE) {
  return machine.events
    .filter((t) => online || !t.online)
    .filter((t) => refusal(t.event, { state, facts, permissions }, machine) === null)
    .map((t) => ({ event: t.event, to: t.to || state, fields: t.fields, permission: t.permission }))
}

/** The state after `event` (the machine's target; self-moves keep the state). */
export function stateAfter(state, event, machine = MACHINE) {
  const t = machine.events.find((x) => x.event === event)
  if (!t || !t.from.includes(state)) return state
  return t.to || state
}

/** What an event tells about the order's facts, for the projection of events not posted yet. */
export function factsAfter(facts, event, data = {}) {
  const f = { ...facts }
  switch (event) {
    case 'start_repair': f.repair_started = true; break
    case 'qc_pass': f.qc_passed = true; break
    case 'qc_fail': f.qc_passed = false; break
    case 'return_unrepaired': f.unrepaired = true; break
    case 'forward': f.forwarded_out = true; f.to_higher_point = data.mode === 'B'; break
    case 'forward_receive': f.forwarded_out = false; break
    case 'send_back': f.forwarded_out = true; f.to_higher_point = false; break
    case 'forward_return': f.forwarded_out = false; f.at_owner = true; f.device_here = true; break
    case 'pickup': f.settled = true; break
    default:
  }
  return f
}

/** The states in order, for filters: [{name, label}] in `locale`. */
export function statesFor(locale, machine = MACHINE) {
  return machine.states.map((s) => ({ name: s.name, label: pick(s.label, locale) }))
}
