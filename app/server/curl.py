"""The curl mode: the server does the creating or reading client's part for one request.

This trades zero knowledge for convenience: ``K`` and the access code pass
through this process, are used once, and are forgotten (never stored or
logged). The stored record is the same as any other secret's.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any

from flask import Response, current_app, jsonify, request, send_file

from ..core import payload as payloads
from ..core import protocol
from ..core.errors import BurnlinkError, ErrorCode, InvalidInput
from ..core.links import make_link
from ..core.wire import parse_duration
from .inputs import base_url, integer, only, too_large
from .lifecycle import created_response, label_member, spend_view, store_secret
from .notify import client_facts, parse_notify
from .policy import check_create
from .services import services

REVEAL_MEMBERS = frozenset({"key", "access_code"})


def parse_ttl(text: str) -> int:
    """``3600``, ``90m``, ``1h``, ``7d`` → seconds, within the configured range."""
    cfg = current_app.config["BURNLINK"]
    seconds = parse_duration(text)
    if not cfg.ttl_min <= seconds <= cfg.ttl_max:
        raise InvalidInput(f"ttl must be between {cfg.ttl_min} and {cfg.ttl_max} seconds.", field="ttl")
    return seconds


def _option(values: dict[str, Any], name: str) -> str | None:
    """An option from the form or the query string (not both)."""
    in_form, in_query = name in values, name in request.args
    if in_form and in_query:
        raise InvalidInput(f"{name} was given both in the query string and in the body.", field=name)
    value = values.get(name) if in_form else request.args.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{name} must be a plain value.", field=name)
    return value


def _payload(body: Any) -> dict[str, Any]:
    """The payload a curl upload describes: text/plain body, or ``secret`` and ``file`` fields."""
    if body.kind == "text":
        try:
            return payloads.make_payload("text", text=body.raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise InvalidInput("The body is not UTF-8 text; upload binary data with -F file=@NAME.", field="body") from None
    text = body.values.get("secret")
    if text is not None and not isinstance(text, str):
        raise InvalidInput("secret must be a text field; upload files as file=@NAME.", field="secret")
    files = []
    for storage in body.values.get("file", []) if isinstance(body.values.get("file"), list) else []:
        name = os.path.basename((storage.filename or "file").replace("\\", "/")) or "file"
        content_type = storage.mimetype
        if not content_type or content_type == "application/octet-stream":
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        files.append(payloads.file_entry(name, storage.read(), content_type))
    if isinstance(body.values.get("file"), str):
        raise InvalidInput("file must be an upload (-F file=@NAME), not a text field.", field="file")
    if text is None and not files:
        raise InvalidInput("Nothing to share: send a text/plain body, -d secret=…, or -F file=@NAME.", field="secret")
    return payloads.make_payload("file" if files and text is None else "text", text=text, files=files)


def create(body: Any) -> Response:
    """Create from a curl upload; answer text lines, or JSON for ``Accept: application/json``."""
    cfg = current_app.config["BURNLINK"]
    options = {"ttl", "views", "access_code"}
    only(body.values, options | {"secret", "file", "notify", "label"})
    for key in request.args:
        if key == "notify":
            raise InvalidInput("notify holds credentials and must never be sent in the query string; send it in "
                               "the body (-F notify=…).", field="notify")
        if key not in options:
            raise BurnlinkError(f"Unknown query parameter {key!r}.", code=ErrorCode.UNKNOWN_FIELD, field=key)
    ttl_text = _option(body.values, "ttl")
    ttl = parse_ttl(ttl_text) if ttl_text is not None else cfg.ttl_default
    views_text = _option(body.values, "views")
    views = integer(views_text, "views", 1, cfg.views_max, form=True) if views_text is not None else cfg.views_default
    want_code = _option(body.values, "access_code")
    if want_code not in (None, "0", "1"):
        raise InvalidInput("access_code must be 1 (the server makes a code) or 0 when creating.", field="access_code")
    code = protocol.generate_code() if want_code == "1" else None

    payload = _payload(body)
    sealed = payloads.seal_payload(payload, code)
    if len(sealed.blob) > cfg.max_blob:
        raise too_large(cfg.max_blob)
    rights = check_create(has_code=code is not None, size=len(sealed.blob), kind=payload["kind"])
    label = label_member(body.values)
    targets = parse_notify(body.values.get("notify"))
    created = store_secret(rights, sealed.blob, sealed.link_verifier, sealed.auth_verifier, ttl=ttl, views=views,
                           has_code=code is not None, targets=targets, label=label,
                           kind=payload["kind"])
    link = make_link(base_url(), created.id, sealed.key)
    extra: dict[str, Any] = {"link": link}
    if code:
        extra["access_code"] = code
    response = created_response(created.id, created.expires_at, views, extra)
    if request.accept_mimetypes.best_match(["text/plain", "application/json"]) == "application/json" and (
        request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/plain"]
    ):
        return response
    data = response.get_json()
    lines = [link]
    if code:
        lines.append(f"access code: {code}")
    lines += [f"expires: {data['expires_at']}", f"manage token: {data['manage_token']}"]
    text = Response("\n".join(lines) + "\n", status=201, mimetype="text/plain")
    text.headers["Location"] = response.headers["Location"]
    return text


def reveal(sid: str, values: dict[str, Any]) -> Response:
    """Read with ``key`` (and ``access_code``): derive the proofs, spend a view, decrypt here."""
    key_text = values.get("key")
    if not isinstance(key_text, str):
        raise InvalidInput("key is required (the part of the link after '#').", field="key")
    key = protocol.b64u_decode(key_text, length=protocol.KEY_LEN, field="key")
    code = values.get("access_code")
    if code is not None and not isinstance(code, str):
        raise InvalidInput("access_code must be a string.", field="access_code")
    store = services().store
    # The cheap link check comes first: PBKDF2 runs only for a real secret whose
    # key the caller holds, so unknown ids cannot be used to burn server CPU.
    meta = store.metadata(sid, protocol.sha256(protocol.link_proof(key)), facts=client_facts())
    if meta.has_code and code is None:
        # Asking first spares the reader a counted wrong try.
        raise InvalidInput("This secret needs its access code: add -d access_code=….", field="access_code")
    # A code sent for a secret made without one is ignored rather than counted as wrong.
    keys = protocol.derive_keys(key, code if meta.has_code else None)
    revealed = spend_view(sid, keys.link_verifier, keys.auth_verifier)
    try:
        payload = payloads.open_blob(revealed.blob, key, keys=keys)
    except InvalidInput:
        raise BurnlinkError(code=ErrorCode.UNDECRYPTABLE) from None
    return payload_response(payload)


def payload_response(payload: dict[str, Any]) -> Response:
    """Text as text/plain, a lone file as an attachment, anything else as the payload JSON."""
    files = payload.get("files", [])
    if "text" in payload and not files and not payload.get("fields"):
        return Response(payload["text"], mimetype="text/plain")
    if len(files) == 1 and "text" not in payload and not payload.get("fields"):
        import io

        name = os.path.basename(files[0]["name"].replace("\\", "/")) or "secret.bin"
        return send_file(
            io.BytesIO(payloads.file_data(files[0])),
            mimetype="application/octet-stream",
            as_attachment=True,
            download_name=name,
        )
    return jsonify(payload)
