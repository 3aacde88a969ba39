import os
import sys

# the NumPy references (brainpylib_references.py) live next to the tests; importlib mode does not
# put this folder on the path
sys.path.insert(0, os.path.dirname(__file__))
