"""The load test: see run.py and README, Load test."""
