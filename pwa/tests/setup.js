// pouchdb-browser reads `self` at import time; Node has no such global.
globalThis.self ??= globalThis
