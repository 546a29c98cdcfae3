"""Shared contracts: FilingState, diffs, the error and finding shape, time helpers."""
