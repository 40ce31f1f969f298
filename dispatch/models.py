"""Deliveries, reporting obligations and submissions (see the dispatch issue)."""
