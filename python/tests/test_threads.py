"""One client shared by 8 threads: no error and no crossed value."""

from __future__ import annotations

import threading

from redisclient import Client

THREADS = 8
OPS = 10_000  # per thread; one op is one call


def test_threads_share_one_client(standalone_client: Client) -> None:
    errors: list[str] = []
    done = [0] * THREADS
    start = threading.Barrier(THREADS)

    def worker(t: int) -> None:
        # Each thread owns its keys and writes values that name the thread
        # and the round, so a value handed to the wrong caller shows.
        keys = [f"t{t}-k{i}" for i in range(10)]
        start.wait()
        ops = 0
        round_ = 0
        try:
            while ops < OPS:
                round_ += 1
                for k in keys[:3]:
                    standalone_client.set(k, f"{k}={round_}".encode())
                    ops += 1
                for k in keys[:3]:
                    got = standalone_client.get(k)
                    ops += 1
                    if got != f"{k}={round_}".encode():
                        errors.append(f"{k}: got {got!r} in round {round_}")
                many = standalone_client.get_many(keys[:3])
                ops += 1
                want = {k: f"{k}={round_}".encode() for k in keys[:3]}
                if many != want:
                    errors.append(f"thread {t}: get_many {many!r} != {want!r}")
                # A counter only this thread increments: 0 after round 1.
                if round_ == 1:
                    if not standalone_client.add(keys[9], 0, timeout=None):
                        errors.append(f"{keys[9]}: add of a fresh key failed")
                elif (n := standalone_client.incr(keys[9])) != round_ - 1:
                    errors.append(f"{keys[9]}: counter {n} in round {round_}")
                ops += 1
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"thread {t}: {exc!r}")
        done[t] = ops

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
        assert not th.is_alive(), "a thread hung"
    assert errors == []
    assert all(n >= OPS for n in done), done
