// Labour-fee claims (劳务费申报单): this area's routes and drawer entries (`menu.<key>` in i18n/claims.*.js).

export const routes = []

export const menu = []
