"""Built-in records of brainpy-math."""
