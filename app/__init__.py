"""burnlink: one-time secret links whose server keeps ciphertext only.

The package is layered, and imports only point down the list:

- :mod:`app.core`: the protocol, payloads, links, settings and domain errors;
- :mod:`app.store`: secrets in Redis (plain, Cluster, Sentinel, embedded);
- :mod:`app.notifications`: telling creators what happened to their links;
- :mod:`app.server`: the Flask application (``app.server.create_app``);
- :mod:`app.cli`: the ``burnlink`` command.

Importing any of them connects nothing and starts nothing.
"""
