"""``burnlink bulk``: one secret per IAM user of the console's CSV, recorded in three files.

The console offers one CSV when several users are created at once
(``User name,Password,Access key ID,Secret access key,Console login link``). Each row
becomes one secret with its own access code: ``console-login`` for a password, ``aws-access-key``
for a key pair, and ``aws-access-key`` with the console fields added when there are both.

``USERS.links.csv`` (user,link), ``USERS.codes.csv`` (user,code) and ``USERS.tokens.csv``
(user,id,token) can go by different channels, and the admin keeps the tokens. Each row's
lines are written and fsynced right after its secret is made (the token first, the link
last), so the links file is an exact record of what exists: a second run refuses while the
files are there, and ``--resume`` makes only the users the links file does not list yet.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
from pathlib import Path
from typing import Any, TextIO

import click

from ..core import kinds, protocol
from ..core import payload as payloads
from ..core.errors import BurnlinkError, ErrorCode
from ..core.wire import create_body, parse_duration
from .client import Client, warn_if_plain_http
from .exits import EXIT_SERVER, exit_code, fail, message
from .notify import targets as notify_targets
from .options import api_token_option, server_option, timeout_option, warn_on_argv
from .policy import Policy, with_identity
from .send import checked_link
from .terminal import line_safe

# The console's column names (compared without case), and what each is called here.
COLUMNS = {"user name": "user", "password": "password", "access key id": "access_key_id",
           "secret access key": "secret_access_key", "console login link": "sign_in_url"}
IAM_USER_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
HEADERS = {"tokens": ("user", "id", "token"), "codes": ("user", "code"), "links": ("user", "link")}
# Refusals of who is creating, not of one row: every row after would be refused alike.
STOPPING = frozenset({ErrorCode.SIGN_IN_REQUIRED, ErrorCode.POLICY_FORBIDDEN, ErrorCode.CSRF_FAILED})


class RowError(Exception):
    """A row that cannot become a secret; its sentence is reported with the row's line number."""


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Every row of the CSV as (line number, our names → values), refused whole if the file is not that CSV."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{path} is not UTF-8 text; nothing was created.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [COLUMNS.get(name.strip().casefold(), "") for name in next(reader, [])]
        if "user" not in header or not {"password", "access_key_id"} & set(header):
            fail(f"{path} is not the console's users CSV (its first line names {', '.join(COLUMNS)}); nothing was created.")
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(header):
                rows.append((reader.line_num, {"": "more values than the header has columns"}))
                continue
            row = {name: value.strip() for name, value in zip(header, values, strict=False) if name}
            rows.append((reader.line_num, row))
    except csv.Error as err:
        fail(f"{path} line {reader.line_num}: {err}; nothing was created.")
    return rows


def row_payload(row: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """(user, payload) of one row, or :class:`RowError` saying what is wrong with it."""
    if "" in row:
        raise RowError(row[""])
    user = row.get("user", "")
    if not user:
        raise RowError("no user name")
    if not IAM_USER_NAME.fullmatch(user):
        raise RowError("the user name is not an IAM user name (1 to 64 of A-Z a-z 0-9 + = , . @ _ -)")
    fields: dict[str, str] = {}
    key_id, secret = row.get("access_key_id", ""), row.get("secret_access_key", "")
    if key_id or secret:
        if not (key_id and secret):
            raise RowError("an access key ID without its secret access key" if key_id else
                           "a secret access key without its access key ID")
        fields = {"access_key_id": key_id, "secret_access_key": secret}
        problems = kinds.aws_field_problems(fields)
        if problems:  # a console download is never like this: an edited file, so nothing is guessed
            raise RowError(f"{', '.join(problems)} not in the shape AWS uses (send it alone with burnlink send "
                           "--kind aws-access-key if it is right)")
    password, sign_in_url = row.get("password", ""), row.get("sign_in_url", "")
    if password and not sign_in_url:
        raise RowError("a password without its console login link")
    if sign_in_url:
        if not sign_in_url.startswith("https://"):
            raise RowError("the console login link is not an https:// address")
        if password or fields:
            fields.update({"sign_in_url": sign_in_url, "username": user} | ({"password": password} if password else {}))
    if not fields:
        raise RowError("nothing secret to hand over: neither a password nor an access key")
    fields["note"] = f"IAM user {user}"
    return user, payloads.make_payload("aws-access-key" if "access_key_id" in fields else "console-login", fields=fields)


class Record:
    """The three output files, each line written and fsynced as soon as its secret exists."""

    @staticmethod
    def refuse_rerun(directory: Path, stem: str, resume: bool) -> dict[str, Path]:
        """The three paths; refused when they exist and this is not a --resume."""
        paths = {name: directory / f"{stem}.{name}.csv" for name in HEADERS}
        existing = [path for path in paths.values() if path.exists() or path.is_symlink()]
        if existing and not resume:
            fail(f"{existing[0]} already exists: this CSV was run before. Nothing was created; --resume makes only the "
                 f"users {paths['links'].name} does not list yet.")
        return paths

    def __init__(self, directory: Path, stem: str, resume: bool) -> None:
        self.paths = self.refuse_rerun(directory, stem, resume)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.files: dict[str, TextIO] = {}
        self._open("links")
        try:  # two runs at once would both make the same users
            fcntl.flock(self.files["links"].fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            fail(f"Another burnlink bulk is writing {self.paths['links']}; nothing was created.")
        self.done = self._listed("links")
        self._forget_unfinished()
        self._open("codes")
        self._open("tokens")
        for name, header in HEADERS.items():
            if self.paths[name].stat().st_size == 0:
                self._write(name, header)

    def _open(self, name: str) -> None:
        """Open one file for appending, mode 0600, never through a symlink."""
        fd = os.open(self.paths[name], os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.fchmod(fd, 0o600)
        self.files[name] = open(fd, "a", encoding="utf-8", newline="")

    def _rows(self, name: str) -> list[list[str]]:
        """A file's rows ([] when it does not exist); its header must be ours."""
        try:
            with self.paths[name].open(encoding="utf-8", newline="") as stream:
                rows = [row for row in csv.reader(stream) if row]
        except FileNotFoundError:
            return []
        if rows and tuple(rows[0]) != HEADERS[name]:
            self.close()
            fail(f"{self.paths[name]} is not a file burnlink bulk wrote; nothing was created.")
        return rows

    def _listed(self, name: str) -> set[str]:
        return {row[0] for row in self._rows(name)[1:]}

    def _forget_unfinished(self) -> None:
        """Users with a token but no link: a run stopped between the two. Their codes go, they are made again."""
        unfinished = self._listed("tokens") - self.done
        for user in sorted(unfinished):
            click.echo(f"{line_safe(user)}: an earlier run stopped before its link was written; that secret can never be "
                       f"opened (its key is gone) and is made again (its manage token stays in {self.paths['tokens'].name}).",
                       err=True)
        codes = self._rows("codes")
        kept = [row for row in codes if row[0] not in unfinished]
        if len(kept) < len(codes):  # replaced whole, so a crash now leaves the old file or the new one
            temporary = self.paths["codes"].with_name(f".{self.paths['codes'].name}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with open(fd, "w", encoding="utf-8", newline="") as out:
                csv.writer(out, lineterminator="\n").writerows(kept)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.paths["codes"])

    def _write(self, name: str, row: tuple[str, ...]) -> None:
        out = self.files[name]
        csv.writer(out, lineterminator="\n").writerow(row)
        out.flush()
        os.fsync(out.fileno())

    def add(self, user: str, link: str, code: str, secret_id: str, token: str) -> None:
        """Record one secret: the token first (it can burn the secret), the link last (it says the row is done)."""
        self._write("tokens", (user, secret_id, token))
        self._write("codes", (user, code))
        self._write("links", (user, link))
        self.done.add(user)

    def close(self) -> None:
        for out in self.files.values():
            out.close()


@click.command()
@click.argument("users_csv", metavar="USERS.CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ttl", default=None, help="Expiry of every link: 3600, 90m, 1h, 7d (default: the server's, 1 day).")
@click.option("--views", type=click.IntRange(min=1), default=None, help="How many times each may be opened (default 1).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Where the three files go (default: here).")
@click.option("--resume", is_flag=True, help="Go on after a run that stopped: make only the users the links file "
              "does not list yet, and add them to the three files.")
@server_option
@api_token_option
@timeout_option
@click.option("--notify", "notify", multiple=True, metavar="TARGET",
              help="Tell someone what happens to each link: slack:URL, mailto:ADDRESS, a webhook URL, or a JSON target.")
@click.option("--webhook-secret", envvar="BURNLINK_WEBHOOK_SECRET",
              callback=warn_on_argv("webhook secret", "BURNLINK_WEBHOOK_SECRET"),
              help="The whsec_… secret that signs webhook deliveries (better: BURNLINK_WEBHOOK_SECRET).")
def bulk(users_csv: Path, ttl: str | None, views: int | None, out_dir: Path, resume: bool, server: str,
         api_token: str | None, timeout: float, notify: tuple[str, ...], webhook_secret: str | None) -> None:
    """One secret per row of the console's users CSV, each with its own access code.

    Writes USERS.links.csv (user,link), USERS.codes.csv (user,code) and USERS.tokens.csv
    (user,id,token) into --out, mode 0600. A bad row is reported by its line number and the
    others are still made (exit 1 at the end). Run again, it refuses; --resume goes on. With an
    API token (BURNLINK_API_TOKEN) each is made as its owner and labelled "IAM user NAME".
    """
    seconds = parse_duration(ttl) if ttl is not None else None
    targets = notify_targets(notify, webhook_secret)
    client = Client(server, timeout=timeout, api_token=api_token)
    rows = read_rows(users_csv)
    Record.refuse_rerun(out_dir, users_csv.stem, resume)
    warn_if_plain_http(client.server)
    policy = Policy.fetch(client)  # once, before any file is written
    policy.check_mode(client.server)
    record = Record(out_dir, users_csv.stem, resume)
    made = skipped = failed = 0
    seen: set[str] = set()
    try:
        for line, row in rows:
            where = f"{users_csv.name} line {line}"
            try:
                user, payload = row_payload(row)
                if user in seen:
                    raise RowError(f"{user} is listed twice")
                seen.add(user)
                if user in record.done:
                    click.echo(f"{where}: {user}: already in {record.paths['links'].name}; skipped.", err=True)
                    skipped += 1
                    continue
                policy.check_kind(payload["kind"])
                code = protocol.generate_code()
                sealed = payloads.seal_payload(payload, code)
                created = client.create(with_identity(create_body(sealed, ttl=seconds, views=views, notify=targets),
                                                      payload["kind"], f"IAM user {user}"))
                link = checked_link(client, created, sealed.key)
                record.add(user, link, code, str(created["id"]), str(created["manage_token"]))
            except RowError as err:
                click.echo(f"{where}: {line_safe(str(err))}; not sent.", err=True)
                failed += 1
                continue
            except BurnlinkError as err:
                if exit_code(err) == EXIT_SERVER or err.code in STOPPING:  # the next rows would fail alike
                    raise BurnlinkError(f"{where}: {message(err)} Stopped; the files list every user made so far, and "
                                        "--resume goes on from there.", code=err.code) from None
                click.echo(f"{where}: {message(err)} Not sent.", err=True)
                failed += 1
                continue
            click.echo(f"{where}: {user}: {payload['kind']} sent.", err=True)
            made += 1
    finally:
        record.close()
    click.echo(f"{made} sent, {skipped} skipped, {failed} not sent. Links: {record.paths['links']}, codes: "
               f"{record.paths['codes']}, manage tokens: {record.paths['tokens']}.", err=True)
    if failed:
        fail(f"{failed} row(s) of {users_csv.name} not sent (see above); fix them and run again with --resume.")
