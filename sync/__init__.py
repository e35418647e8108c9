"""The CouchDB side: HTTP client, provisioning, document schemas, the posting worker and the outbox publisher.

Built by the sync issue; see docs/sync.md for the design it follows.
"""
