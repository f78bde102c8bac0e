"""What a run leaves behind for people: the data files and figures of a result folder, and the terminal text."""
