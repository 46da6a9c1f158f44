"""Users' own servers: grading happens on the course's grading server, not here."""
c = get_config()  # noqa: F821

c.ServerApp.jpserver_extensions.update({"nbgrader.server_extensions.formgrader": False})
