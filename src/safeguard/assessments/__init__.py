"""Risk and need assessments: stored, immutable scored snapshots of persons over `safeguard.instruments`, and the instrument API."""
