"""Wijk outcomes: indicators over the years against the city average (the Outcomemonitor)."""
