"""Settlement's writes. Import the use-case modules directly; this names the public ones."""
