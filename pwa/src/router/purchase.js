// Purchasing (采购): this area's routes and drawer entries (`menu.<key>` in i18n/purchase.*.js).

export const routes = []

export const menu = []
