// Transfers (调拨): this area's routes and drawer entries (`menu.<key>` in i18n/transfer.*.js).

export const routes = []

export const menu = []
