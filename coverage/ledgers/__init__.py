"""Half-yearly ledgers (台账): districts and industry committees confirm their
figures, the city accepts or returns them; and the ledger file import
(`imports/`). Builds on coverage.recount (periods, snapshots)."""
