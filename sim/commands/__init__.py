"""One module per subcommand of `python -m sim`; see sim/cli.py."""
