"""``kam serve``, ``kam user``, ``kam team``, ``kam token`` and ``kam share``.

Each parses, calls one operation (:mod:`kamcore.operations.access`) and prints, like kamcore's
own commands (:mod:`kamcore.cli.support`). Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import os
import sys

import click

from kamcore.cli.support import (
    actor,
    json_option,
    open_workspace,
    print_json,
    print_table,
    workspace_target,
)

ROLE = click.Choice(["admin", "member", "viewer"])
#: how long ``kam serve`` lets open requests (event streams) finish when told to stop
GRACEFUL_SHUTDOWN_SECONDS = 5


def _password(from_stdin: bool, prompt: bool) -> str | None:
    """The password: one line of stdin, or asked twice on a terminal, or None."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif prompt:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        return None
    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="password")
    return password


def _hashed(password: str | None) -> str | None:
    if password is None:
        return None
    from .passwords import hash_password

    return hash_password(password)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface; put TLS in front).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes (PostgreSQL for more than one writer at a time).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the workspace over HTTP: the JSON API under /api/v1 (docs at /api/v1/docs) and
    customers' share links."""
    import uvicorn

    target = workspace_target(ctx)
    with open_workspace(ctx) as ws:  # fails here, clearly, if there is no workspace
        from kamcore.operations import access

        access.signing_key(ws)  # made once, before workers start
        shown = ws.display_url
    os.environ["KAM_WORKSPACE"] = target
    click.echo(f"serving {shown} on http://{host}:{port} (API docs: /api/v1/docs)", err=True)
    # open event streams never end by themselves: on shutdown, close them after a few seconds
    uvicorn.run("kamcore_server.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level="info", proxy_headers=True,
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)


@click.group()
def user() -> None:
    """Add, change and list the users who may sign in to the server."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=ROLE, required=True, help="admin, member (account teams) or viewer.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.option("--no-password", is_flag=True,
              help="No password: the user signs in only with tokens.")
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool,
             no_password: bool) -> None:
    """Add user NAME (asks for a password on a terminal)."""
    from kamcore.operations import access

    password = _password(password_stdin, not no_password and sys.stdin.isatty())
    found = access.add_user(open_workspace(ctx), actor(ctx), name, role,
                            password_hash=_hashed(password))
    click.echo(f"added user {found.name} ({found.role})"
               + ("" if password else "; no password: create a token with kam token create"))


@user.command("set")
@click.argument("name")
@click.option("--role", type=ROLE, default=None)
@click.option("--password-stdin", is_flag=True, help="Read a new password from stdin.")
@click.option("--password", "ask_password", is_flag=True, help="Ask for a new password.")
@click.option("--disable/--enable", default=None, help="Stop (or restore) their access at once.")
@click.pass_context
def user_set(ctx: click.Context, name: str, role: str | None, password_stdin: bool,
             ask_password: bool, disable: bool | None) -> None:
    """Change user NAME's role, password or access."""
    from kamcore.operations import access

    password = _password(password_stdin, ask_password)
    found = access.set_user(open_workspace(ctx), actor(ctx), name, role=role,
                            password_hash=_hashed(password), disabled=disable)
    state = "disabled" if found.disabled else "enabled"
    click.echo(f"user {found.name}: {found.role}, {state}")


@user.command("list")
@json_option
@click.pass_context
def user_list(ctx: click.Context, as_json: bool) -> None:
    """List the users, with their role and account teams."""
    from kamcore.operations import access

    ws = open_workspace(ctx)
    rows = [{"name": u.name, "role": u.role, "disabled": u.disabled,
             "teams": access.teams_of(ws, u.name), "password": bool(u.password_hash)}
            for u in access.list_users(ws)]
    if as_json:
        print_json(rows)
        return
    print_table("Users", ["name", "role", "teams", "password", "state"],
                [(r["name"], r["role"], ", ".join(r["teams"]), "yes" if r["password"] else "no",
                  "disabled" if r["disabled"] else "active") for r in rows])


@click.group()
def team() -> None:
    """Put members on account teams (a member writes only their teams' accounts)."""


@team.command("add")
@click.argument("account")
@click.argument("user_name", metavar="USER")
@click.pass_context
def team_add(ctx: click.Context, account: str, user_name: str) -> None:
    """Put USER on ACCOUNT's team."""
    from kamcore.operations import access

    added = access.add_team_member(open_workspace(ctx), actor(ctx), account, user_name)
    click.echo(f"{user_name} {'joined' if added else 'is already on'} the team of {account}")


@team.command("rm")
@click.argument("account")
@click.argument("user_name", metavar="USER")
@click.pass_context
def team_rm(ctx: click.Context, account: str, user_name: str) -> None:
    """Take USER off ACCOUNT's team."""
    from kamcore.operations import access

    removed = access.remove_team_member(open_workspace(ctx), actor(ctx), account, user_name)
    click.echo(f"{user_name} {'left' if removed else 'was not on'} the team of {account}")


@team.command("list")
@click.argument("account")
@json_option
@click.pass_context
def team_list(ctx: click.Context, account: str, as_json: bool) -> None:
    """List ACCOUNT's team."""
    from kamcore.operations import access

    members = access.team(open_workspace(ctx), account)
    if as_json:
        print_json(members)
    else:
        click.echo("\n".join(members) or f"no one is on the team of {account}")


@click.group()
def token() -> None:
    """API tokens for integrators: create (shown once), list, revoke."""


@token.command("create")
@click.option("--user", "user_name", required=True, help="Whose token it is.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="write", show_default=True)
@click.option("--expires", "expires_days", type=int, default=None,
              help="Days until it expires (default: never).")
@click.option("--label", default=None, help="What it is for (shown in kam token list).")
@click.pass_context
def token_create(ctx: click.Context, user_name: str, scope: str, expires_days: int | None,
                 label: str | None) -> None:
    """Create a token; it is printed once (only its hash is kept)."""
    from kamcore.operations import access

    found, secret = access.create_token(open_workspace(ctx), actor(ctx), user_name, scope=scope,
                                        expires_days=expires_days, label=label)
    click.echo(f"token {found.id} for {found.user} ({found.scope}"
               + (f", expires {found.expires_at[:10]}" if found.expires_at else "")
               + "); shown this once, keep it secret:", err=True)
    click.echo(secret)


@token.command("list")
@click.option("--user", "user_name", default=None)
@json_option
@click.pass_context
def token_list(ctx: click.Context, user_name: str | None, as_json: bool) -> None:
    """List tokens (never their secrets)."""
    import attrs

    from kamcore.operations import access

    found = access.list_tokens(open_workspace(ctx), user_name)
    if as_json:
        print_json([attrs.asdict(t) for t in found])
        return
    print_table("Tokens", ["id", "user", "scope", "label", "expires", "revoked"],
                [(t.id, t.user, t.scope, t.label or "", (t.expires_at or "never")[:10],
                  (t.revoked_at or "")[:10]) for t in found])


@token.command("revoke")
@click.argument("token_id")
@click.pass_context
def token_revoke(ctx: click.Context, token_id: str) -> None:
    """Revoke token TOKEN_ID at once."""
    from kamcore.operations import access

    found = access.revoke_token(open_workspace(ctx), actor(ctx), token_id)
    click.echo(f"token {found.id} of {found.user} revoked")


@click.command()
@click.argument("plan", required=False)
@click.option("--to", "recipient", default=None, help="The customer contact's name or email.")
@click.option("--expires", "expires_days", type=click.IntRange(1, 3650), default=30,
              show_default=True, help="Days until the link expires.")
@click.option("--base-url", envvar="KAM_BASE_URL", default="http://127.0.0.1:8000",
              show_default=True, help="Where the server is reached (also $KAM_BASE_URL).")
@click.option("--list", "list_links", is_flag=True, help="List PLAN's links instead.")
@click.option("--revoke", "revoke_id", default=None, help="Revoke the link with this id.")
@json_option
@click.pass_context
def share(ctx: click.Context, plan: str | None, recipient: str | None, expires_days: int,
          base_url: str, list_links: bool, revoke_id: str | None, as_json: bool) -> None:
    """Share PLAN with a customer contact: a signed, expiring, revocable link through which
    they see the customer-facing parts and approve joint objectives."""
    import attrs

    from kamcore.operations import access

    ws = open_workspace(ctx)
    if revoke_id:
        link = access.revoke_share(ws, actor(ctx), revoke_id)
        click.echo(f"share link {link.id} of {link.plan_id} for {link.recipient} revoked")
        return
    if plan is None:
        raise click.UsageError("give the PLAN to share (or --revoke LINK_ID)")
    if list_links:
        links = access.list_shares(ws, plan)
        if as_json:
            print_json([attrs.asdict(link) for link in links])
        else:
            print_table(f"Share links of {plan}", ["id", "recipient", "expires", "revoked"],
                        [(k.id, k.recipient, k.expires_at[:10], (k.revoked_at or "")[:10])
                         for k in links])
        return
    if not recipient:
        raise click.UsageError("say who the link is for: --to NAME_OR_EMAIL")
    link, secret = access.create_share(ws, actor(ctx), plan, recipient,
                                       expires_days=expires_days)
    url = f"{base_url.rstrip('/')}/share/{secret}"
    if as_json:
        print_json({**attrs.asdict(link), "url": url})
    else:
        click.echo(f"share link {link.id} for {link.recipient}, valid until "
                   f"{link.expires_at[:10]}:", err=True)
        click.echo(url)
