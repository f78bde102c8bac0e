"""The classroom: the game, debriefs, roles, comparisons and hindcast scorecards."""
