"""The records system: offices, partners, agreements, documents, plans, tasks and their reports."""
