"""`make bench`: every benchmark of the project, printing numbers.

Each benchmark builds its own throwaway database, so it never touches db.sqlite3.
"""

import sys

from benchmarks import pages


def main(argv):
    pages.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
