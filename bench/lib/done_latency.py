"""Each image's time from upload to done, on the catalog's own clock.

    python3 bench/lib/done_latency.py URL [SINCE]   (URL: a node's base address; SINCE: Unix seconds)

Pages through GET /api/images and, for every `done` image uploaded at or after SINCE, takes updatedAt (its last
change: the last piece of work finished) - createdAt (the upload committed). Prints one line: count, p50, p90, max.
Sends the API token in ANNOTATOR_TOKEN (bench/lib/nodes.sh makes it), as every request needs credentials.
"""
import json, math, os, sys, urllib.request
from datetime import datetime

base, cursor, latencies = sys.argv[1].rstrip("/"), None, []
since = float(sys.argv[2]) if len(sys.argv) > 2 else 0
headers = {"Authorization": f"Bearer {os.environ['ANNOTATOR_TOKEN']}"} if os.environ.get("ANNOTATOR_TOKEN") else {}
while True:
    url = f"{base}/api/images?limit=200" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(urllib.request.Request(url, headers=headers)))
    for image in page["items"]:
        if image["state"] == "done" and datetime.fromisoformat(image["createdAt"]).timestamp() >= since:
            ms = (datetime.fromisoformat(image["updatedAt"]) - datetime.fromisoformat(image["createdAt"])).total_seconds() * 1000
            latencies.append(ms)
    cursor = page.get("nextCursor")
    if not cursor:
        break
latencies.sort()
if not latencies:
    print("upload -> done per image: no image is done")
else:
    at = lambda p: latencies[max(0, math.ceil(p / 100 * len(latencies)) - 1)]  # nearest rank
    print(f"upload -> done per image ({len(latencies)} done): p50 {at(50):.0f} ms, p90 {at(90):.0f} ms, max {latencies[-1]:.0f} ms")
