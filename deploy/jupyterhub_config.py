"""JupyterHub for one class on one server: students fetch and submit through nbgrader's
exchange, instructors grade in a shared formgrader (nbgrader's "one class, multiple graders"
setup, which also fits one grader).

Start it with `make hub` (see README.md, "A class on a server"), or by hand with
`jupyterhub -f deploy/jupyterhub_config.py` from the course's virtual environment. Every
setting below that differs between machines comes from an environment variable, with a
default that suits one laptop:

COURSE_HUB_COURSE       the instructor's course folder (nbgrader_config.py, source/, release/,
                        submitted/ ...); default: this repository
COURSE_HUB_STATE        the hub's own files: its database, cookie secret, the users' home
                        folders and the exchange; default: .hub/ in this repository
COURSE_HUB_PASSWORD     the one password every user logs in with (at least 8 characters)
COURSE_HUB_IP, COURSE_HUB_PORT                  where the hub listens (127.0.0.1:8000)
COURSE_HUB_API_PORT, COURSE_HUB_PROXY_API_PORT, COURSE_HUB_GRADER_PORT
                        loopback ports of the hub's API (8081), the proxy's API (8001) and
                        the course's grading server (9999)
"""
import json
import os
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent

# The class: edit deploy/class.json for yours (with an institution's authenticator, the
# names are the user names it reports).
CLASS = json.loads((DEPLOY / "class.json").read_text())
INSTRUCTORS, STUDENTS = CLASS["instructors"], CLASS["students"]

COURSE = Path(os.environ.get("COURSE_HUB_COURSE", REPO)).resolve()
STATE = Path(os.environ.get("COURSE_HUB_STATE", REPO / ".hub")).resolve()
EXCHANGE = STATE / "exchange"
HOMES = STATE / "home"
if not (COURSE / "nbgrader_config.py").is_file():
    raise RuntimeError(f"COURSE_HUB_COURSE={COURSE} has no nbgrader_config.py: point it at a course "
                       "folder laid out like this repository")
# The course id (and so the grading service's name) is the one the course folder declares.
COURSE_ID = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config().CourseDirectory.course_id

for folder in (STATE, HOMES):
    folder.mkdir(parents=True, exist_ok=True)
# nbgrader's exchange must be writable by everyone who releases or submits (its own checks).
EXCHANGE.mkdir(parents=True, exist_ok=True)
EXCHANGE.chmod(0o777)

ip = os.environ.get("COURSE_HUB_IP", "127.0.0.1")
c.JupyterHub.bind_url = f"http://{ip}:{os.environ.get('COURSE_HUB_PORT', '8000')}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_API_PORT", 8081))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# The proxy in front of everything: configurable-http-proxy from npm, installed into
# deploy/node_modules by `make hub` (npm ci --prefix deploy).
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
if not PROXY.exists():
    raise RuntimeError(f"{PROXY} is missing: run `make hub` or `npm ci --prefix deploy` (needs Node.js and npm)")
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('COURSE_HUB_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# Logging in: one shared password for the users listed above, for trying the course out.
# An institution swaps in its own authenticator here (README: "Your own login").
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ.get("COURSE_HUB_PASSWORD")
if not c.SharedPasswordAuthenticator.user_password:
    raise RuntimeError("COURSE_HUB_PASSWORD is not set: nobody could log in. Set it (8 characters "
                       "or more), or start the hub with `make hub`, which makes one up")
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)

# Every user's server runs under this hub's own Unix account, in a home folder of its own
# (STATE/home/<user>): no Unix accounts to create, and nothing outside the state folder is
# touched. It gives users no isolation from each other, which is fine for trying the course
# on one machine and not for a class (README: "Real Unix users").
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
ALLOW_ROOT = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = ALLOW_ROOT
c.Spawner.default_url = "/lab"
# A server imports JupyterLab, nbgrader and matplotlib: give a busy machine time.
c.Spawner.http_timeout = 180
c.Spawner.start_timeout = 300

JUPYTER = DEPLOY / "jupyter"
COMMON = {"COURSE_EXCHANGE": str(EXCHANGE), "COURSE_ID": COURSE_ID,
          "JUPYTER_PLATFORM_DIRS": "1"}
# A shared gradebook server (README, "Grading"): the grading server uses the hub's.
GRADEBOOK = {"COURSE_GRADEBOOK_URL": os.environ["COURSE_GRADEBOOK_URL"]} if "COURSE_GRADEBOOK_URL" in os.environ else {}


def user_config_path(spawner):
    """Students' servers show only the student tools; instructors' also list the formgrader."""
    folders = [JUPYTER / "users"]
    if spawner.user.name not in INSTRUCTORS:
        folders.insert(0, JUPYTER / "students")
    return os.pathsep.join(map(str, folders))


c.Spawner.environment = {**COMMON, "JUPYTER_CONFIG_PATH": user_config_path}

# Roles as nbgrader's documentation describes them: members of formgrade-<course> may use
# the course's grading server, members of nbgrader-<course> take the course (the exchange
# lists its assignments for them).
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE_ID}": {"users": INSTRUCTORS},
    f"nbgrader-{COURSE_ID}": {"users": INSTRUCTORS + STUDENTS},
}
c.JupyterHub.load_roles = [
    {"name": f"formgrade-{COURSE_ID}", "groups": [f"formgrade-{COURSE_ID}"],
     "scopes": [f"access:services!service={COURSE_ID}", "list:services",
                f"read:services!service={COURSE_ID}"]},
    {"name": f"nbgrader-{COURSE_ID}", "groups": [f"nbgrader-{COURSE_ID}"],
     "scopes": ["list:services", f"read:services!service={COURSE_ID}"]},
    # nbgrader in a user's server asks the hub which courses (groups) its user is in.
    {"name": "server", "scopes": ["inherit"]},
]

# The course's grading server: a Jupyter server on the course folder, run by the hub as a
# service named after the course. It holds the formgrader; instructors reach it at
# /services/<course>/ (and through the Nbgrader menu of their own server).
c.JupyterHub.services = [{
    "name": COURSE_ID,
    "url": f"http://127.0.0.1:{os.environ.get('COURSE_HUB_GRADER_PORT', '9999')}",
    "command": [sys.executable, "-m", "jupyterhub.singleuser", *ALLOW_ROOT],
    "cwd": str(COURSE),
    "oauth_no_confirm": True,
    "environment": {**COMMON, **GRADEBOOK, "JUPYTER_CONFIG_PATH": str(JUPYTER / "grader"),
                    "HOME": str(HOMES / f"grader-{COURSE_ID}"), "JUPYTERHUB_DEFAULT_URL": "/lab"},
}]
(HOMES / f"grader-{COURSE_ID}").mkdir(exist_ok=True)
