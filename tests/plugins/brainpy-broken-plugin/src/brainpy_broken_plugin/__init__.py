"""Test fixture: plugins that misbehave, to show BrainPy keeps working around them."""
