"""Deputy register pages with the demo's 60 deputies and with 600: the list page's SQL query count
must not grow with the number of deputies, and its CPU cost should grow only with the page size."""

import subprocess

from benchmarks.pages import PYTHON, ROOT, run

URLS = ["/deputies/", "/deputies/?level=county&page=2", "/deputies/committee/"]

ADD_DEPUTIES = """
from deputies.factories import DeputyFactory, ElectionFactory, GroupMembershipFactory
from deputies.models import Constituency, DeputyGroup
constituencies = list(Constituency.objects.all())
groups = list(DeputyGroup.objects.all())
for n in range({count}):
    deputy = DeputyFactory(register_number=f"bench-{{n:05d}}")
    ElectionFactory(deputy=deputy, constituency=constituencies[n % len(constituencies)])
    GroupMembershipFactory(deputy=deputy, group=groups[n % len(groups)])
"""


def add_deputies(count):
    def prepare(env):
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", ADD_DEPUTIES.format(count=count)],
            cwd=ROOT,
            env=env,
            check=True,
        )

    return prepare


def main(argv=()):
    run("deputy register, 60 deputies (demo)", URLS)
    run("deputy register, 600 deputies", URLS, prepare=add_deputies(540))
