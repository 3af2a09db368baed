"""Hands chosen paths to plain WSGI apps ahead of Flask; every other request goes to Flask."""


class PathDispatcher:
    def __init__(self, default_app, routes):
        """`routes` maps an exact PATH_INFO to the WSGI app that serves it."""
        self.default_app = default_app
        self.routes = routes

    def __call__(self, environ, start_response):
        app = self.routes.get(environ.get("PATH_INFO", ""), self.default_app)
        return app(environ, start_response)
