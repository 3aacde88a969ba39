"""An example third-party BrainPy plugin, used as a test fixture and as a template."""
