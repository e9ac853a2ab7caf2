"""Campaigns: organizers' outreach to a state's lawmakers, their public action pages and dashboards."""
