"""Which node did each image's work, from MariaDB's general log of a run (bench/cluster.sh).

    python3 bench/lib/work_share.py GENERAL_LOG NAME=PID...

A worker claims a piece of work by writing its lease owner ("machine/pid/guid") on the image's row, and stores the
result only while it still holds that lease (src/Annotator/Catalog/Sql: ClaimSql, CompletionSql). MySqlConnector
sends the values inside the statement text, so the general log holds, for every finished thumbnail and caption, the
owner that finished it, and every claim a node tried (a claim of work another node holds, or that is done, takes
nothing). Prints one line per node: what it finished, what it tried, and its share of the finished work.
"""
import re
import sys
from collections import Counter

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
names = dict(reversed(a.split("=", 1)) for a in sys.argv[2:])  # pid -> node name

done, tried = Counter(), Counter()
for work in ("thumb", "caption"):
    # The statement's SET ends the lease (owner = NULL); its WHERE names the owner that held it.
    for owner in re.findall(rf"{work}_state = 'done'[^\t]*?{work}_lease_owner = '([^']+)'", text):
        done[(work, owner.split("/")[1])] += 1
    for owner in re.findall(rf"{work}_state = 'processing'[^\t]*?{work}_lease_owner = '([^']+)'", text):
        tried[(work, owner.split("/")[1])] += 1

pids = sorted({pid for _, pid in done | tried}, key=lambda p: names.get(p, p))
total = sum(done.values())
print(f"  {'node':<10} {'thumbnails':>10} {'captions':>9} {'share':>6}   claims tried (thumbnail + caption)")
for pid in pids:
    thumbs, captions = done[("thumb", pid)], done[("caption", pid)]
    share = (thumbs + captions) / total if total else 0
    print(f"  {names.get(pid, 'pid ' + pid):<10} {thumbs:>10} {captions:>9} {share:>6.1%}   "
          f"{tried[('thumb', pid)]} + {tried[('caption', pid)]}")
print(f"  {'all':<10} {sum(v for (w, _), v in done.items() if w == 'thumb'):>10} "
      f"{sum(v for (w, _), v in done.items() if w == 'caption'):>9}")
