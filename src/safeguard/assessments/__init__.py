"""Risk and need assessments: the API over `safeguard.instruments` (stored assessments come next)."""
