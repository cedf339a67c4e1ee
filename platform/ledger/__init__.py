"""The double-entry ledger: every euro the platform shows is a line here."""
