"""Start-up figures of the installed package (printed, not asserted: see the closing targets
in the README): a session's server start through MockServer, and a fresh account, each the
median of many runs."""

import statistics
import time

from postproxy_mock import MockServer


def median_ms(samples):
    return statistics.median(samples) * 1000


starts = []
for _ in range(20):
    began = time.perf_counter()
    server = MockServer().start()
    starts.append(time.perf_counter() - began)
    server.stop()

with MockServer() as mock:
    copies, empties = [], []
    for _ in range(100):
        began = time.perf_counter()
        mock.new_account()
        copies.append(time.perf_counter() - began)
        began = time.perf_counter()
        mock.new_account({})
        empties.append(time.perf_counter() - began)

print(f"MockServer().start(): median {median_ms(starts):.1f} ms of 20 (target < 150 ms)")
print(f"new_account() (a copy of the demo data): median {median_ms(copies):.2f} ms of 100 (target < 5 ms)")
print(f"new_account({{}}) (empty): median {median_ms(empties):.2f} ms of 100")
