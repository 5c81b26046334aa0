import sys

from .cli import main

# Guarded: worker processes (the web app's fork server) may import the main module again.
if __name__ == "__main__":
    sys.exit(main())
