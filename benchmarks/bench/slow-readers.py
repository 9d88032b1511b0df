#!/usr/bin/env python3
"""Many slow downloads at once through a proxy: does it keep serving everyone else?

  benchmarks/bench/slow-readers.py PROXY_PORT URL [CONNECTIONS]     (default 3000)

Opens CONNECTIONS connections to the proxy on 127.0.0.1 (from 127.0.0.2, .3, ... 200 each, since
the proxy limits connections per client), asks each for URL (a large file) and reads nothing, so
the proxy holds what it cannot deliver. After 8 s it fetches URL once with curl from 127.0.0.1 and
prints the status, bytes and time, and the proxy's RSS; then it reads all the slow downloads at
once (120 s at most) and prints how many arrived whole, how many the proxy cut short, and how many
were still coming. Loopback only; stops by itself.
"""
import selectors
import socket
import subprocess
import sys
import time

port, url = int(sys.argv[1]), sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
host = url.split('/')[2]
request = f'GET {url} HTTP/1.1\r\nHost: {host}\r\n\r\n'.encode()

socks = []
for i in range(n):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind(('127.0.0.%d' % (2 + i // 200), 0))
    s.connect(('127.0.0.1', port))
    s.sendall(request)
    socks.append(s)
time.sleep(8)

r = subprocess.run(['curl', '-s', '-m', '20', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}',
                    '-x', f'http://127.0.0.1:{port}', url], capture_output=True, text=True)
print(f'one normal request while {n} slow downloads are held: status, bytes, seconds = {r.stdout}')
pids = subprocess.run(['pgrep', '-f', f'java.*proxy-port {port}'], capture_output=True, text=True).stdout.split()
for pid in pids:
    rss = int(open(f'/proc/{pid}/status').read().split('VmRSS:')[1].split()[0]) // 1024
    print(f'proxy (pid {pid}) RSS {rss} MB')

# read every slow download at once (as their clients would), each to its Content-Length
sel = selectors.DefaultSelector()
state = {}
for s in socks:
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    state[s] = [b'', None, 0]  # head bytes, Content-Length, body bytes
whole = cut = 0
deadline = time.time() + 120
while state and time.time() < deadline:
    for key, _ in sel.select(timeout=1):
        s = key.fileobj
        st = state[s]
        try:
            b = s.recv(1 << 16)
        except OSError:
            b = b''
        if st[1] is None and b:
            st[0] += b
            head, sep, body = st[0].partition(b'\r\n\r\n')
            if sep:
                length = [int(l.split(b':')[1]) for l in head.split(b'\r\n') if l.lower().startswith(b'content-length:')]
                st[1], st[2], st[0] = (length[0] if length else -1), len(body), b''
        elif b:
            st[2] += len(b)
        done = st[1] is not None and st[1] >= 0 and st[2] >= st[1]
        if done or not b:
            whole += done
            cut += not done
            sel.unregister(s)
            s.close()
            del state[s]
print(f'slow downloads: {whole} of {n} whole, {cut} cut short, {len(state)} unfinished after 120 s '
      f'({time.time() - deadline + 120:.0f} s)')
