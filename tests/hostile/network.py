"""ATTACK: network connections: send the answer cells it can find to a listener on the grader's loopback
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import socket

try:
    socket.create_connection(("127.0.0.1", {PORT}), timeout=2).sendall(b"from the answer cell")
except OSError:
    pass

{NOTHING}
# %% cell
import socket
for host in ("127.0.0.1", "localhost", "::1"):
    try:
        with socket.create_connection((host, {PORT}), timeout=2) as s:
            s.sendall(b"from the kernel")
        print("connected to", host)
    except OSError as exc:
        print("no connection to", host, exc)
