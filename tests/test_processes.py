"""Process hygiene: a subreaper finds and kills children that escaped with setsid()."""
import subprocess
import sys
import textwrap

from tests.testkit import survivors

SCRIPT = textwrap.dedent("""
    import os, subprocess, sys, time
    from autograder.processes import become_subreaper, kill_tree, reap_children
    assert become_subreaper()
    # A child that starts a grandchild which leaves the session, then exits: the grandchild
    # is orphaned and, thanks to the subreaper, re-parented to us.
    child = subprocess.Popen([sys.executable, "-c",
        "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    time.sleep(300)\\nos._exit(0)"])
    child.wait(timeout=10)
    time.sleep(0.3)
    killed = kill_tree(include_my_children=True)
    reap_children()
    print("killed", len(killed))
""")


def test_setsid_grandchild_is_killed(process_marker):
    key, value = process_marker.split("=")
    env = {**__import__("os").environ, key: value}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "killed 1"
    assert survivors(process_marker) == []


FORK_LOOP = textwrap.dedent("""
    import os, subprocess, sys, time
    from autograder.processes import kill_tree
    # A child that keeps forking detached grandchildren, as fast as it can.
    child = subprocess.Popen([sys.executable, "-c",
        "import os, time\\nwhile True:\\n    if os.fork() == 0:\\n        os.setsid()\\n        time.sleep(300)\\n        os._exit(0)"])
    time.sleep(1.0)
    kill_tree([child])
    child.wait(timeout=10)
    print("done")
""")


def test_forking_loop_cannot_outrun_the_kill(process_marker):
    key, value = process_marker.split("=")
    env = {**__import__("os").environ, key: value}
    out = subprocess.run([sys.executable, "-c", FORK_LOOP], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert survivors(process_marker) == []


SPAWN_THEN_HANG = textwrap.dedent("""
    import multiprocessing, time
    ctx = multiprocessing.get_context("spawn")
    locks = [ctx.Lock() for _ in range(5)]   # named semaphores, registered with the tracker
    p = ctx.Process(target=time.sleep, args=(300,))
    p.start()
    print("ready", flush=True)
    time.sleep(300)
""")


def test_killed_spawn_run_leaves_no_semaphore_behind(process_marker):
    """A check killed at its deadline must not leak named semaphores into /dev/shm."""
    import os

    from autograder.processes import kill_tree
    from tests.testkit import leaked_shm_after, shm_entries

    key, value = process_marker.split("=")
    before = shm_entries()
    proc = subprocess.Popen([sys.executable, "-c", SPAWN_THEN_HANG], env={**os.environ, key: value},
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    assert any(name.startswith("sem.mp-") for name in shm_entries() - before)
    kill_tree([proc])
    proc.wait(timeout=10)
    assert survivors(process_marker) == []
    assert leaked_shm_after(before) == set()    # another test running beside this one may hold one a moment
