"""Early warnings (防瘫预警): the rules, the daily scan that opens and clears
warnings, rectification, and the warning pages. Builds on coverage.recount
(a successful recount queues a scan); recount does not import this part."""
