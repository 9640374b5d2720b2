"""Rating pages, by what they are about: `evaluations` (the list, one
evaluation, its scores and moves), `reviews` (many evaluations approved or
returned at once), `rounds` (the rounds, their summaries,
movers and the entry table) and `pairings`; `common` holds what more than one
of them needs. Views are thin: scope comes from the querysets, rules from the
services, and who may do what from workflow.py. `ratings.urls` imports the
views from their modules; this package re-exports nothing."""
