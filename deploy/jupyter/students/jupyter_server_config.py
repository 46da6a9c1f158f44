"""Students' servers: no list of courses to grade."""
c = get_config()  # noqa: F821

c.ServerApp.jpserver_extensions.update({"nbgrader.server_extensions.course_list": False})
