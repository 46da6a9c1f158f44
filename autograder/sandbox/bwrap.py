"""The bubblewrap command line that confines one grading job.

What a job sees: the operating system's programs and libraries read-only (/usr, the /lib
folders, a few files of /etc), the Python installation and this project's code read-only,
private empty /tmp and /dev/shm (size-limited tmpfs), its own /proc and a minimal /dev,
and whatever folders the caller binds read-only (a copy of one submission). Nothing else:
not the course folder (gradebook, source/ with solutions, other submissions), not the
instructor's home, not the environment (only a fixed list of variables is set). It has its
own network namespace (loopback only: Jupyter's kernel protocol works, nothing leaves), its
own PID namespace (it cannot see or signal the grader; when the job is killed, everything
in it dies with it) and an unprivileged uid.

Two ways to get that uid, chosen by who runs the grader:
* root (containers, CI): bubblewrap runs privileged, and the job's entry point drops to a
  uid of its own (``uid``) before any student code runs, so per-user process limits really
  apply (the kernel never applies RLIMIT_NPROC to uid 0);
* anyone else: bubblewrap makes a user namespace and maps the instructor to uid 65534
  inside it; process limits then count per namespace.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.environment import MACHINE_CPUS, TEST_MARKER

# /etc entries a Python job needs (dynamic linker, time zone, name service for localhost,
# Debian's alternatives symlinks); the rest of /etc may hold secrets and stays out.
ETC_ENTRIES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "hosts",
               "nsswitch.conf", "host.conf", "passwd", "group", "mime.types", "os-release",
               "alternatives", "fonts", "ssl")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Environment variables a job may inherit (the test suite's process marker); all else is set here.
PASSED_ENV = (TEST_MARKER, MACHINE_CPUS)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here; the message says how to fix it."""


INSTALL_HINT = (
    "Grading runs every submission in a bubblewrap sandbox. Install it: Debian/Ubuntu "
    "`sudo apt install bubblewrap`, Fedora `sudo dnf install bubblewrap`, Arch `sudo pacman -S "
    "bubblewrap`. To grade without a sandbox anyway (student code then runs as you and can "
    "read and change your files), pass --no-sandbox.")


#: the autograder package's folder (this file is autograder/sandbox/bwrap.py)
AUTOGRADER_DIR = Path(__file__).resolve().parents[1]


def project_code_dirs() -> list[Path]:
    """Folders holding this project's importable packages: autograder/ and, beside it, course/
    (what notebooks import). Found by path: the grader never imports the lessons' package."""
    return [d for d in (AUTOGRADER_DIR, AUTOGRADER_DIR.parent / "course") if d.is_dir()]


def python_dirs() -> list[Path]:
    """The interpreter, its standard library and the environment's site-packages."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(sys.executable).resolve().parent.parent}
    return sorted(d for d in dirs if not _under(d, Path("/usr")))


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def mount_args(ro_binds: list[tuple[Path, str]], tmp_size: int, shm_size: int) -> list[str]:
    """bwrap options that build the job's file system, in an order where parents come first."""
    args: list[str] = []
    for d in SYSTEM_DIRS:
        p = Path(d)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), d]
        elif p.is_dir():
            args += ["--ro-bind", d, d]
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC_ENTRIES:
        p = Path("/etc") / name
        if p.exists():
            args += ["--ro-bind", str(p), str(p)]
    args += ["--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(tmp_size), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(shm_size), "--tmpfs", "/dev/shm"]
    made = {"/", "/etc", "/tmp", "/dev", "/proc", *SYSTEM_DIRS}
    binds = [(str(src), str(src)) for src in python_dirs() + project_code_dirs()]
    binds += [(str(src), dest) for src, dest in ro_binds]
    for src, dest in sorted(set(binds), key=lambda b: b[1].count("/")):
        if any(_under(Path(dest), Path(d)) for d in SYSTEM_DIRS):
            continue
        # bwrap would create missing parents as 0700 root-owned folders, which the
        # unprivileged job could not enter.
        for parent in reversed(Path(dest).parents):
            if str(parent) not in made:
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
        args += ["--ro-bind", src, dest]
        made.add(dest)
    return args


def job_environment(extra: dict[str, str | None]) -> dict[str, str]:
    """The whole environment of a job: nothing of the grader's (no gradebook URL, no tokens).
    No MPLBACKEND: kernels then draw inline, so plots reach the student's feedback. A None
    in ``extra`` leaves that variable out."""
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp/home", "USER": "student", "LOGNAME": "student", "LANG": "C.UTF-8",
        "TMPDIR": "/tmp", "MPLCONFIGDIR": "/tmp/.matplotlib",
        "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_RUNTIME_DIR": "/tmp/.jupyter-runtime",
        "IPYTHONDIR": "/tmp/.ipython", "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({k: os.environ[k] for k in PASSED_ENV if k in os.environ})
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def command(argv: list[str], *, ro_binds: list[tuple[Path, str]], env: dict[str, str],
            tmp_size: int, shm_size: int, workdir: str = "/tmp") -> list[str]:
    """The bwrap command that runs ``argv`` confined (see the module docstring)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed. " + INSTALL_HINT)
    if os.geteuid() == 0:
        namespaces = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                      "--unshare-cgroup-try"]
    else:
        namespaces = ["--unshare-all", "--uid", "65534", "--gid", "65534"]
    cmd = [bwrap, *namespaces, "--die-with-parent", "--new-session",
           *mount_args(ro_binds, tmp_size, shm_size), "--chdir", workdir, "--clearenv"]
    for key, value in job_environment(env).items():
        cmd += ["--setenv", key, value]
    return cmd + ["--", *argv]


def check_available() -> None:
    """Raise SandboxUnavailable unless bwrap can really start a confined process here."""
    probe = command(["/bin/true"] if Path("/bin/true").exists() else ["true"], ro_binds=[], env={},
                    tmp_size=1 << 20, shm_size=1 << 20)
    try:
        run = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"bubblewrap could not be started: {exc}. {INSTALL_HINT}") from None
    if run.returncode != 0:
        why = (run.stderr.strip().splitlines() or ["no message"])[-1]
        hint = ""
        if "uid map" in why or "namespace" in why.lower() or "Permission denied" in why:
            hint = (" Unprivileged user namespaces may be disabled on this machine (Ubuntu 24.04: "
                    "`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`, or install "
                    "bubblewrap's AppArmor profile); or grade as root.")
        raise SandboxUnavailable(f"bubblewrap is installed but cannot create a sandbox: {why}.{hint}")
