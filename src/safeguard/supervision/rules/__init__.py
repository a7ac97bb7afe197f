"""Pure rules of supervision in the community (no Django, no app): case tiering, visit frequency and
reactive management, and what needs attention first. The app stores and shows; these decide.

Register deadlines live in `safeguard.guidelines.register` (the sentencing engine's code).
"""
