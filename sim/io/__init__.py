"""Input and output: the safe YAML loader, bundled resources, scenario and relations files, result folders."""
