"""Beian — an open-source ICP filing (ICP备案) management system for hosting providers."""
