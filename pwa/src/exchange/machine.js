// The exchange order's state machine as the server defines it (server/exchange/statemachine.py,
// exported into src/generated/exchange-machine.json at build time: states, modes, events, their
// permissions, fields, guard names and labels). The guards are named rules over an order's facts;
// their rules are the only part written here, and a unit test fails when the server names a guard
// this file does not know. Labels are read through repair/machine.js's readers (same shape).
import generated from '../generated/exchange-machine.json'
import { eventLabel as labelOfEvent, guardLabel as labelOfGuard, stateLabel as labelOfState } from '../repair/machine.js'

export const EXCHANGE = generated

const RULES = {
  mode_onsite: (f) => f.mode === 'A',
  mode_factory: (f) => f.mode === 'B',
  not_handed_over: (f) => !f.handed_over,
  handed_over_or_factory_mode: (f) => f.handed_over || f.mode === 'B',
  handed_over: (f) => f.handed_over,
  unit_at_point: (f) => f.unit_at === 'customer' || f.unit_at === 'defective',
  unit_with_customer: (f) => f.unit_at === 'customer',
  unit_in_transit: (f) => f.unit_at === 'transit',
  replacement_not_received: (f) => !f.replacement_received,
}

export const GUARD_RULES = RULES

/** The server's default facts (dataclass defaults of Facts). */
export const DEFAULT_FACTS = Object.freeze({ mode: 'A', handed_over: false, unit_at: 'customer', replacement_received: false })

// The events a counter writes offline as sync events (exchange_event); the others go through the
// REST API online (the courier's and the warehouse's steps, conversions that need the server's stock).
export const OFFLINE_EVENTS = ['hand_over', 'pickup']

export const stateLabel = (state, locale) => labelOfState(state, locale, EXCHANGE)
export const eventLabel = (event, locale) => labelOfEvent(event, locale, EXCHANGE)
export const guardLabel = (name, locale) => labelOfGuard(name, locale, EXCHANGE)

export function modeLabel(mode, locale) {
  const m = EXCHANGE.modes.find((x) => x.code === mode)
  return m ? m.label[locale] || m.label['zh-CN'] : mode
}

/** Guard names the machine uses that have no rule here (a test keeps this empty). */
export function unknownGuards(machine = EXCHANGE) {
  return machine.guards.map((g) => g.name).filter((n) => !RULES[n])
}

/** Why `event` cannot be fired now: null when it can, else {kind: 'state'|'permission'|'guard', guard?}; the server's order of checks. */
export function refusal(event, { state, facts = DEFAULT_FACTS, permissions = null }, machine = EXCHANGE) {
  const t = machine.events.find((x) => x.event === event)
  if (!t) return { kind: 'unknown' }
  if (!t.from.includes(state)) return { kind: 'state' }
  if (permissions && !permissions.includes(t.permission)) return { kind: 'permission', permission: t.permission }
  const f = { ...DEFAULT_FACTS, ...facts }
  for (const g of t.guards) {
    if (!RULES[g]?.(f)) return { kind: 'guard', guard: g }
  }
  return null
}

/**
 * The events of the order's state for this user, in the machine's order: [{event, allowed, guard,
 * offline, fields, required}]. Events of another state are left out; one a guard stops is listed with
 * that guard (the screen shows why it is not offered).
 */
export function actionsFor({ state, facts, permissions }, machine = EXCHANGE) {
  return machine.events
    .filter((t) => t.from.includes(state) && (!permissions || permissions.includes(t.permission)))
    .map((t) => {
      const r = refusal(t.event, { state, facts, permissions }, machine)
      return { event: t.event, allowed: r === null, guard: r?.guard || null, offline: OFFLINE_EVENTS.includes(t.event), fields: t.fields, required: t.required }
    })
}

/** The state after `event` with these facts (to_if by a fact, to_from by the source, else to; null: stays). */
export function stateAfter(state, event, facts = DEFAULT_FACTS, machine = EXCHANGE) {
  const t = machine.events.find((x) => x.event === event)
  if (!t || !t.from.includes(state)) return state
  if (t.to_if && facts[t.to_if.fact]) return t.to_if.to
  if (t.to_from && state in t.to_from) return t.to_from[state] || state
  return t.to || state
}

/** What an event tells about the order's facts, for the projection of events not posted yet. */
export function factsAfter(facts, event) {
  const f = { ...facts }
  switch (event) {
    case 'hand_over': f.handed_over = true; f.unit_at = 'defective'; break
    case 'convert_to_onsite': f.handed_over = true; f.mode = 'C'; if (f.unit_at === 'customer') f.unit_at = 'defective'; break
    case 'pickup': f.handed_over = true; break
    case 'dispatch': f.unit_at = 'transit'; break
    case 'factory_receipt': f.unit_at = 'factory'; break
    case 'receive_replacement': f.replacement_received = true; f.unit_at = 'factory'; break
    case 'credit': f.unit_at = 'factory'; break
    case 'convert_to_repair': f.mode = 'D'; break
    default:
  }
  return f
}
