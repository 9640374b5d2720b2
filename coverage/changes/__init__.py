"""Changes since the previous half-year (变动明细): which organisations
registered or deregistered, became covered or lost coverage, became or stopped
being 应建未建; which party organisations were set up or dissolved; which
instructors started or left. Computed from the records' dates with the
recount's definitions, so the lists reconcile with the snapshots. Builds on
coverage.recount and organizations; nothing in coverage imports this part
(coverage.urls apart), and the dashboard reads it through `selectors`."""
