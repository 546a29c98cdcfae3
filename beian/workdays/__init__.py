"""Holiday calendar and working-day deadlines in China Standard Time."""
