"""The shoppers' survey after a return: a rating, what went well or badly, a comment."""
