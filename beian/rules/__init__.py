"""The rule catalogue and the engine that turns an order into findings."""
