// A real PouchDB client for the sync tests (pouchdb-node: LevelDB on disk, like a device's IndexedDB).
// Usage: node driver.js '<json command>'  — prints one JSON result line.
//   {"cmd":"put","dir":D,"docs":[...]}                 write documents locally (offline)
//   {"cmd":"put","dir":D,"file":F}                      the same, the documents read from a JSON file (many)
//   {"cmd":"put","dir":D,"docs":[...],"new_edits":false} stored as given, revisions and histories included
//                                                       (what a tampered device can hold)
//   {"cmd":"push"|"pull","dir":D,"url":U,"token":T}     one-shot replication through the sync proxy
//                                                       (without a token: the URL's own credentials, e.g. the store)
//   {"cmd":"docs","dir":D,"prefix":P}                   the local documents (optionally by id prefix)
//   {"cmd":"sync","dir":D,"url":U,"token":T,"docs":[...],"prefix":P}
//                                                       a counter's round trip in one process: the documents (if any)
//                                                       written locally, push, pull, then the local documents by prefix
'use strict';
const PouchDB = require('pouchdb-node');

function remoteDb(url, token) {
  const parsed = new URL(url);
  const auth = parsed.username ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : undefined;
  parsed.username = '';
  parsed.password = '';
  return new PouchDB(parsed.toString().replace(/\/$/, ''), {
    skip_setup: true,
    auth,
    fetch: (u, opts) => {
      if (token) opts.headers.set('Authorization', 'Bearer ' + token);
      return PouchDB.fetch(u, opts);
    },
  });
}

// Documents per batch, as the PWA pushes (pwa/src/sync/engine.js DEFAULT_BATCH).
const BATCH = 250

function replicate(source, target, opts) {
  const started = Date.now();
  return new Promise((resolve) => {
    const denied = [];
    const rep = PouchDB.replicate(source, target, Object.assign({ retry: false, batch_size: BATCH }, opts || {}));
    rep.on('denied', (err) => denied.push({ id: err.id || null, reason: err.reason || err.message, name: err.name }));
    rep.on('complete', (info) => resolve({
      ok: info.ok !== false && !(info.errors && info.errors.length),
      status: info.status,
      elapsed_ms: Date.now() - started,
      docs_read: info.docs_read,
      docs_written: info.docs_written,
      doc_write_failures: info.doc_write_failures,
      denied,
      errors: (info.errors || []).map((e) => ({ status: e.status, name: e.name, reason: e.reason || e.message })),
    }));
    rep.on('error', (err) => resolve({
      ok: false, denied, error: { status: err.status || null, name: err.name || null, reason: err.reason || err.message || String(err) },
    }));
  });
}

async function main() {
  const c = JSON.parse(process.argv[2]);
  const local = new PouchDB(c.dir);
  let out;
  try {
    if (c.cmd === 'put') {
      const docs = c.file ? JSON.parse(require('fs').readFileSync(c.file, 'utf8')) : c.docs;
      const results = [];
      const opts = c.new_edits === false ? { new_edits: false } : {};
      for (let i = 0; i < docs.length; i += 1000) results.push(...await local.bulkDocs(docs.slice(i, i + 1000), opts));
      out = { results: c.file ? [] : results, ok: results.every((r) => r.ok), count: results.length };
    } else if (c.cmd === 'push') {
      out = await replicate(local, remoteDb(c.url, c.token));
    } else if (c.cmd === 'pull') {
      out = await replicate(remoteDb(c.url, c.token), local);
    } else if (c.cmd === 'sync') {
      const put = c.docs && c.docs.length ? await local.bulkDocs(c.docs) : [];
      const push = await replicate(local, remoteDb(c.url, c.token));
      const pull = await replicate(remoteDb(c.url, c.token), local);
      const res = await local.allDocs({ include_docs: true });
      out = {
        ok: put.every((r) => r.ok) && push.ok && pull.ok, put, push, pull,
        docs: res.rows.map((r) => r.doc).filter((d) => !c.prefix || d._id.startsWith(c.prefix)),
      };
    } else if (c.cmd === 'docs') {
      const res = await local.allDocs({ include_docs: true });
      out = { docs: res.rows.map((r) => r.doc).filter((d) => !c.prefix || d._id.startsWith(c.prefix)) };
    } else {
      throw new Error('unknown command ' + c.cmd);
    }
  } finally {
    await local.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ ok: false, fatal: String(err && err.stack || err) }) + '\n');
  process.exit(1);
});
