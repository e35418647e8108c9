"""Labour-fee claims (劳务费申报单, spec §10.7): claiming in-warranty labour and parts from manufacturers."""
