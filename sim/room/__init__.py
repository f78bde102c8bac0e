"""The room's game server: a thin Starlette layer over sim/classroom/room.py (teams' and teacher's pages)."""
