import pathlib
import sys

# the toy assignment helper lives next to the tests
sys.path.insert(0, str(pathlib.Path(__file__).parent))
