"""The built-in bureau stage: SMS verification, bureau review, number issue."""
