"""Manager screens for petitions: create, edit with a preview, publish, dashboard."""
