"""Progress of a plan reported by its units: private links, reports and the office's
decisions, the October figures they send; kept in an SQLite store beside the reminder
ledger. Same layer as reminders, calendars and statistics: it reads the plan model and
gives back a :class:`~workflow.plan.status.Status` that every other stage accepts.
"""
