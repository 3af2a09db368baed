"""School programmes: booklets for teachers and essay competitions (README "School programmes")."""
