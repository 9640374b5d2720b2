"""Pages for leadership: districts compared (league table), the half-year
briefing, two half-years side by side, and notices when a recount completes.

Everything here reads snapshots and the dashboard's tallies (plus the few
ledger rows of a half-year), never the records."""
