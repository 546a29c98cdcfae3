"""Filing orders, their proposed state and diff, the workflow and provider review."""
