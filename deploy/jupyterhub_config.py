"""JupyterHub for one class on one server: students fetch and submit through nbgrader's
exchange, instructors grade in a shared formgrader (nbgrader's "one class, multiple graders"
setup, which also fits one grader).

Start it with `make hub` (README.md, "A class on a server"): `python -m autograder hub`
(autograder/hub.py) works out the folders, ports and password, starts the course's grading
server, and runs `jupyterhub -f deploy/jupyterhub_config.py` with these variables set:

COURSE_HUB_STATE        the hub's own files: its database, the users' home folders
COURSE_HUB_HOMES        where each user's home folder is made (<user>/ in it)
COURSE_EXCHANGE         nbgrader's exchange folder;   COURSE_ID   the course's id
COURSE_HUB_PASSWORD     the one password every user logs in with (at least 8 characters)
COURSE_HUB_IP, COURSE_HUB_PORT                  where the hub listens (127.0.0.1:8000)
COURSE_HUB_API_PORT, COURSE_HUB_PROXY_API_PORT  loopback ports of the hub's and the proxy's API
COURSE_HUB_GRADER_URL, COURSE_HUB_GRADER_TOKEN  the grading server, and the token it uses
"""
import json
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

DEPLOY = Path(__file__).resolve().parent
JUPYTER = DEPLOY / "jupyter"


def setting(name: str) -> str:
    if not os.environ.get(name):
        raise RuntimeError(f"{name} is not set: start the hub with `make hub` (python -m autograder hub), "
                           "which sets it")
    return os.environ[name]


STATE = Path(setting("COURSE_HUB_STATE"))
COURSE_ID = setting("COURSE_ID")

# The class: edit deploy/class.json for yours (with an institution's authenticator, the
# ids are the user names it reports). A student is a user name or {"id", "first_name",
# "last_name"}: `make hub` puts the students on the course's roster with their names.
CLASS = json.loads((DEPLOY / "class.json").read_text())
INSTRUCTORS = CLASS["instructors"]
STUDENTS = [s["id"] if isinstance(s, dict) else s for s in CLASS["students"]]

c.JupyterHub.bind_url = f"http://{setting('COURSE_HUB_IP')}:{setting('COURSE_HUB_PORT')}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(setting("COURSE_HUB_API_PORT"))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# The proxy in front of everything: configurable-http-proxy from npm, installed into
# deploy/node_modules by `make hub` (npm ci --prefix deploy).
c.ConfigurableHTTPProxy.command = [str(DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('COURSE_HUB_PROXY_API_PORT')}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# Logging in: one shared password for the users listed above, for trying the course out.
# An institution swaps in its own authenticator here (README: "Your own login").
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = setting("COURSE_HUB_PASSWORD")
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)

# Every user's server runs under this hub's own Unix account, in a home folder of its own
# (COURSE_HUB_HOMES/<user>): no Unix accounts to create, nothing outside the hub's state
# folder touched. It gives users no isolation from each other, which is fine for trying the
# course on one machine and not for a class (README: "Real Unix users").
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(Path(setting("COURSE_HUB_HOMES")) / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.args = ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []
c.Spawner.default_url = "/lab"
# A server imports JupyterLab, nbgrader and matplotlib: give a busy machine time.
c.Spawner.http_timeout = 180
c.Spawner.start_timeout = 300


def user_config_path(spawner):
    """Students' servers show only the student tools; instructors' also list the formgrader."""
    folders = [JUPYTER / "users"]
    if spawner.user.name not in INSTRUCTORS:
        folders.insert(0, JUPYTER / "students")
    return os.pathsep.join(map(str, folders))


c.Spawner.environment = {"COURSE_EXCHANGE": setting("COURSE_EXCHANGE"), "COURSE_ID": COURSE_ID,
                         "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_CONFIG_PATH": user_config_path}

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

# The course's grading server: a Jupyter server on the course folder with the formgrader,
# known to the hub as a service named after the course; instructors reach it at
# /services/<course>/ (and through the Course List of their own server). It is an external
# service, started next to the hub by `make hub` (as it would be on Kubernetes), because a
# managed one must answer within about ten seconds or the hub gives up, which a busy machine
# can exceed.
c.JupyterHub.services = [{
    "name": COURSE_ID,
    "url": setting("COURSE_HUB_GRADER_URL"),
    "api_token": setting("COURSE_HUB_GRADER_TOKEN"),
    "oauth_no_confirm": True,
}]
