"""Campaigns: Voorjebuurt-style crowdfunding and crowdsourcing for published initiatives."""
