"""Serving the dashboard to more readers than one process serves (deploy.proxy)."""
