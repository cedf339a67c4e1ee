"""Bewonersbudgetten and vouchers: pots, criteria, applications, decisions, payouts."""
