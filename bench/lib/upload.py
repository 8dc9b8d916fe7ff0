#!/usr/bin/env python3
"""upload.py URL HEADER CONCURRENCY NAME < paths: POSTs each file named on standard input to URL/api/images as multipart,
CONCURRENCY at a time on kept-alive connections, and prints one line as bench/lib/measure.sh's figure does (requests/s,
failed = connection errors, non-2xx). ab posts one body only, and Annotator answers the same bytes uploaded again with
the image it already has, so uploads of distinct copies (bench/lib/distinct.py) go through this instead. HEADER is
"Authorization: Bearer …", or empty for a build that takes no credentials."""
import http.client
import os
import sys
import threading
import time
import urllib.parse

url, header, concurrency, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
headers = dict([header.split(": ", 1)]) if header else {}
target = urllib.parse.urlsplit(url)
paths = [line.strip() for line in sys.stdin if line.strip()]
boundary = "----annotatorBench7MA4YWxkTrZu0gW"
lock = threading.Lock()
counts = {"failed": 0, "non2xx": 0}
queue = iter(paths)


def body(path):
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{os.path.basename(path)}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    with open(path, "rb") as f:
        return head + f.read() + f"\r\n--{boundary}--\r\n".encode()


def work():
    connection = None
    while True:
        with lock:
            path = next(queue, None)
        if path is None:
            break
        data = body(path)
        try:
            connection = connection or http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            connection.request("POST", "/api/images", data, {"Content-Type": f"multipart/form-data; boundary={boundary}", **headers})
            response = connection.getresponse()
            response.read()
            if not 200 <= response.status < 300:
                with lock: counts["non2xx"] += 1
        except (OSError, http.client.HTTPException):
            with lock: counts["failed"] += 1
            connection = None


started = time.monotonic()
threads = [threading.Thread(target=work) for _ in range(concurrency)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - started
print(f"{name:<34} {len(paths) / elapsed:10.2f} req/s  failed {counts['failed']}  non-2xx {counts['non2xx']}")
