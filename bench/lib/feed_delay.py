"""The change feed's delay, as a browser on a node sees it.

    python3 bench/lib/feed_delay.py URL      (URL: the node's GET /api/events)

Reads the server-sent events as a page does, stamps each line on arrival (this machine's clock) and, for every
`image` event, takes arrival - the image's `updatedAt` (stamped by the node that wrote the change, on the same
clock). Prints "listening" once the stream is open (its first ping), then, on SIGTERM or SIGINT, one summary
line for all image events and one per state the image was in: `pending` is mostly the upload's own insert (the
web node's write), `done` the last piece of work finishing (the worker's write). Sends the API token in
ANNOTATOR_TOKEN (bench/lib/nodes.sh makes it), as every request needs credentials.
"""
import http.client, json, math, os, signal, sys, time
from datetime import datetime
from urllib.parse import urlsplit

samples = []  # (delay in ms, state)
stale = 0     # image events without a real updatedAt (year 1)

def percentile(values, p):  # nearest rank
    values = sorted(values)
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]

def summary(name, delays):
    if not delays:
        return f"{name}: none"
    return (f"{name}: {len(delays)} events, arrival - updatedAt p50 {percentile(delays, 50):.0f} ms, "
            f"p90 {percentile(delays, 90):.0f} ms, p99 {percentile(delays, 99):.0f} ms, max {max(delays):.0f} ms, "
            f"min {min(delays):.0f} ms")

def finish(*_):
    print(summary("feed image events", [d for d, _ in samples]))
    for state in ("pending", "processing", "done", "failed"):
        if any(s == state for _, s in samples):
            print(summary(f"  of them {state}", [d for d, s in samples if s == state]))
    if stale:
        print(f"feed: {stale} image events carried no updatedAt")
    sys.stdout.flush()
    sys.exit(0)

signal.signal(signal.SIGTERM, finish)
signal.signal(signal.SIGINT, finish)

url = urlsplit(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=None)
headers = {"Accept": "text/event-stream"}
if os.environ.get("ANNOTATOR_TOKEN"):
    headers["Authorization"] = f"Bearer {os.environ['ANNOTATOR_TOKEN']}"
connection.request("GET", url.path, headers=headers)
response = connection.getresponse()
if response.status != 200:
    print(f"feed: {url.path} answered {response.status}", flush=True)
    sys.exit(1)
event, opened = None, False
while True:
    line = response.readline()
    arrival = time.time()
    if not line:
        print("feed: the stream ended", flush=True)
        finish()
    line = line.decode().rstrip("\r\n")
    if line.startswith("event: "):
        event = line[7:]
        if event == "ping" and not opened:
            opened = True
            print("listening", flush=True)
    elif line.startswith("data: ") and event == "image":
        image = json.loads(line[6:])
        updated = datetime.fromisoformat(image["updatedAt"])
        if updated.year < 2000:
            stale += 1
            continue
        samples.append(((arrival - updated.timestamp()) * 1000, image["state"]))
    elif line == "":
        event = None
