"""The course's grading server. JupyterLab shows the formgrader in a frame, which the
server's default Content-Security-Policy (frame-ancestors 'none' under JupyterHub) forbids."""
c = get_config()  # noqa: F821

c.ServerApp.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
