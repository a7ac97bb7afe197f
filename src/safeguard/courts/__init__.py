"""Sentencing decision support for courts and report writers (the API over `safeguard.guidelines`)."""
