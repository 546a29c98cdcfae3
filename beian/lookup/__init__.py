"""The public lookup of filings."""
