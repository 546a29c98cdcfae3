"""Server-rendered pages of the portal and consoles."""
