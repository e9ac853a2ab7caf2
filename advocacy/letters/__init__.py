"""Letters: templates, drafting, delivery links and the writer's private tracking page."""
