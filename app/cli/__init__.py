"""The ``burnlink`` command: send, get, receipt, burn, list, whoami, bulk, request, respond, inbox, worker, audit, serve.

``send`` and ``get`` encrypt and decrypt locally with :mod:`app.core`; the
server sees ciphertext and verifiers only, exactly as with the web page. The
key travels only inside the link printed on stdout; the access code never
leaves this machine except on the creator's stderr. Only ``serve`` loads the
server.
"""

from .main import main

__all__ = ["main"]
