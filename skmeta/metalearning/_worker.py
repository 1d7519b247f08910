"""Entry point of an evaluation worker: ``python -m skmeta.metalearning._worker``.

Kept apart from :mod:`skmeta.metalearning._evaluation` so that running it as
``__main__`` does not import the same module twice.
"""

from skmeta.metalearning._evaluation import serve

if __name__ == "__main__":
    serve()
