"""Per-user calendar feeds (iCalendar) of sessions, visits and deadlines, filled by the apps' providers."""
