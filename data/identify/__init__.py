"""Identifying a lens from what an optician reads on it: codes, search words, ranking.

Pure Python: no database, no Qt.
"""
