"""Stand-in for Flask-PyMongo 2.3 (on PyPI only, not in Debian), for bench/original.sh.

Only what the original service uses: PyMongo(app) reads app.config["MONGO_URI"] and exposes the client as .cx and
the URI's database as .db, which is all Flask-PyMongo 2.3's init_app does for that call (it builds one MongoClient
per app; its BSON/JSON helpers are not used by the original's write path).
"""
from pymongo import MongoClient, uri_parser


class PyMongo:
    def __init__(self, app=None, uri=None, **kwargs):
        self.cx = None
        self.db = None
        if app is not None:
            self.init_app(app, uri, **kwargs)

    def init_app(self, app, uri=None, **kwargs):
        uri = uri or app.config.get("MONGO_URI", "mongodb://localhost:27017/test")
        database = uri_parser.parse_uri(uri)["database"]
        self.cx = MongoClient(uri, **kwargs)
        self.db = self.cx[database] if database else None
