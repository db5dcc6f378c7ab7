"""The rules and algorithms of the care market as plain Python: no Django import is allowed here."""
