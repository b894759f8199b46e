"""`make bench`: every benchmark of the project, printing numbers.

Each benchmark builds its own throwaway database, so it never touches db.sqlite3.
`make bench BENCH=deputies` runs one of them.
"""

import os
import sys

from benchmarks import (
    areas,
    deputies,
    import_documents,
    load,
    pagecache,
    pages,
    registry,
    search,
)

BENCHMARKS = {
    "pages": pages.main,
    "deputies": deputies.main,
    "import": import_documents.main,
    "areas": areas.main,
    "search": search.main,
    "registry": registry.main,
    "pagecache": pagecache.main,
    "load": load.main,
}


def main(argv):
    selected = os.environ.get("BENCH") or ",".join(BENCHMARKS)
    for name in selected.split(","):
        BENCHMARKS[name.strip()](argv)


if __name__ == "__main__":
    main(sys.argv[1:])
