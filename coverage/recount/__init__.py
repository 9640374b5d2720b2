"""The half-yearly recount and its snapshots: periods, the set-based
computation, the recount service and its run guard, the overview and area
pages. Ledgers and early warnings build on this part; it imports neither."""
