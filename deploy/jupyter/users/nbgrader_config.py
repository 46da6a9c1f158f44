"""nbgrader in every user's own server (students and instructors) on the course's hub.

The hub (deploy/jupyterhub_config.py) sets COURSE_EXCHANGE and COURSE_ID for every server it
starts, and JupyterHub sets JUPYTERHUB_USER.
"""
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.Exchange.root = os.environ["COURSE_EXCHANGE"]
c.CourseDirectory.course_id = os.environ["COURSE_ID"]
# Every server runs under the hub's own Unix account (SimpleLocalProcessSpawner), so
# nbgrader's default student id, the Unix user name, would be the same for everyone:
# submissions carry the hub user's name instead. (With real Unix users, drop this line.)
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
# Who takes which course comes from the hub's groups nbgrader-<course> and formgrade-<course>.
c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"
