"""The scale dataset: `manage.py seed_scale --orgs N` adds N organisations
numbered 1 … N, with their party organisations, instructors, evaluations,
contributions and pilot service, on top of the demo's reference data, in
the demo's proportions (see seed.py, records.py)."""
