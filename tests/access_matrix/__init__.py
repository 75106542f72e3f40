"""Helpers of the CORE-8 access matrix (tests/test_access_matrix.py)."""
