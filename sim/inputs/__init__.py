"""Everything read from files: the safe YAML loader, tables, scenarios, relations, event data."""
