"""Supervision in the community: the register, risk management plans, home visits, MAPPA, tiering, caseloads."""
