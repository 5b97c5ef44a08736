"""`kinerja serve`: the school's app — forms that write records, approvals, each person's inbox.

Starlette routes, Jinja templates with autoescape (record text is hostile until proven
otherwise), sessions held in memory. Every POST carries the session's CSRF token. On 127.0.0.1
a person says who they are; bound elsewhere, everyone signs in with a token (`access.py`).
Reading the school is `validate(root)`, cached until a file under records/ changes.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from kinerja_build import clock, domain, layout
from kinerja_build.app import access, formview, store, workflow
from kinerja_build.diagnostics import Diagnostic, Severity
from kinerja_build.errors import KinerjaError
from kinerja_build.formdef import FORMS, ChoiceContext, periode_choices
from kinerja_build.lock import Busy
from kinerja_build.model import School, person_periode
from kinerja_build.validate import Result, validate

HERE = Path(__file__).resolve().parent
COOKIE = "kinerja_sesi"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_FIELDS = 4000
MAX_SESSIONS = 10_000


@dataclass
class Settings:
    root: Path
    login: bool = False  # bound beyond loopback: every person signs in with a token
    git: bool = False  # commit each write on a branch named after the person
    today: Callable[[], dt.date] = clock.today  # SOURCE_DATE_EPOCH when set
    allowed_hosts: Sequence[str] = LOOPBACK


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    person: str | None = None
    flash: list[tuple[str, str]] = field(default_factory=list)


class Refused(Exception):
    """A request the app answers with a page saying why (status code, message)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class KinerjaApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.root.resolve()
        self.sessions: dict[str, Session] = {}
        self.site = False  # whether /situs serves the progress site
        self.write_lock = threading.Lock()  # one save or action at a time
        self._cache: tuple[tuple[Any, ...], Result] | None = None
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / layout.TEMPLATES_DIR),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["tanggal"] = _tanggal

    # -- school state --

    def result(self) -> Result:
        signature = _signature(self.root)
        if self._cache is None or self._cache[0] != signature:
            self._cache = (signature, validate(self.root))
        result = self._cache[1]
        result.school.today = self.settings.today()  # deadlines and days late judged on it
        return result

    def adopt(self, before: tuple[Any, ...], saved: store.Saved, rel: str) -> None:
        """Keep the save's own validation as the school's state when only that file changed.

        The candidate was validated in a copy of the whole school; when nothing else changed
        meanwhile, that result is the school now, and the next page need not validate again.
        """
        after = _signature(self.root)
        changed = set(before) ^ set(after)
        target = self.root / rel
        if (
            saved.result is not None
            and all(Path(entry[0]) / entry[1] == target for entry in changed if len(entry) == 4)
            and not any(len(entry) != 4 for entry in changed)
        ):
            self._cache = (after, saved.result)

    # -- sessions --

    def session(self, request: Request) -> tuple[str, Session]:
        sid = request.cookies.get(COOKIE, "")
        found = self.sessions.get(sid)
        if found is None:
            if len(self.sessions) >= MAX_SESSIONS:  # bounded memory: the oldest session goes
                self.sessions.pop(next(iter(self.sessions)))
            sid = secrets.token_urlsafe(32)
            found = self.sessions[sid] = Session()
        return sid, found

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        sid, session = self.session(request)
        school = self.result().school
        flash, session.flash = session.flash, []
        body = self.templates.get_template(template).render(
            csrf=session.csrf,
            me=session.person,
            me_name=_name(school, session.person),
            login=self.settings.login,
            sekolah=(school.sekolah_data or {}).get("nama", "Sekolah"),
            situs=self.site,
            flash=flash,
            **context,
        )
        response = HTMLResponse(body, status_code=status)
        _cookie(response, sid)
        return response

    async def checked_form(self, request: Request) -> tuple[Session, dict[str, list[str]]]:
        """The submitted fields, after the CSRF token and the sign-in are checked."""
        _, session = self.session(request)
        async with request.form(max_fields=MAX_FIELDS, max_files=0) as submitted:
            values: dict[str, list[str]] = {}
            for key, value in submitted.multi_items():
                if isinstance(value, str):
                    values.setdefault(key, []).append(value)
        token = (values.get("_csrf") or [""])[0]
        if not hmac.compare_digest(token.encode(), session.csrf.encode()):
            raise Refused(
                403,
                "Permintaan ditolak: token keamanan formulir tidak ada atau tidak cocok. "
                "Muat ulang halaman, lalu kirim lagi.",
            )
        return session, values

    def require_person(self, session: Session) -> str:
        if session.person is None:
            raise Refused(
                403,
                "Pilih dulu siapa Anda (halaman depan)."
                if not self.settings.login
                else "Masuk dulu dengan token Anda.",
            )
        return session.person

    # -- pages --

    async def home(self, request: Request) -> Response:
        result = await run_in_threadpool(self.result)
        school = result.school
        periodes = school.periode_ids()
        latest = periodes[-1] if periodes else None
        people = [
            (pid, _name(school, pid), person_periode(school, latest, pid).status if latest else "")
            for pid in sorted(school.pegawai)
        ]
        return self.render(request, "home.html", people=people, periode=latest)

    async def choose(self, request: Request) -> Response:
        session, values = await self.checked_form(request)
        if self.settings.login:
            raise Refused(403, "Di server bersama, masuk dengan token Anda.")
        person = (values.get("pegawai") or [""])[0]
        if person not in self.result().school.pegawai:
            raise Refused(400, "Pegawai tidak dikenal.")
        session.person = person
        return RedirectResponse(f"/pegawai/{person}", status_code=303)

    async def sign_in(self, request: Request) -> Response:
        if request.method == "GET":
            return self.render(request, "masuk.html", problem="")
        _, values = await self.checked_form(request)
        person = access.person_for(access.read_tokens(self.root), (values.get("token") or [""])[0])
        if person is None:
            return self.render(request, "masuk.html", 403, problem="Token tidak dikenal.")
        # A new session id on sign-in: an id planted before it is worth nothing afterwards.
        self.sessions.pop(request.cookies.get(COOKIE, ""), None)
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = Session(person=person)
        response = RedirectResponse(f"/pegawai/{person}", status_code=303)
        _cookie(response, sid)
        return response

    async def sign_out(self, request: Request) -> Response:
        session, _ = await self.checked_form(request)
        session.person = None
        return RedirectResponse("/", status_code=303)

    async def person(self, request: Request) -> Response:
        pid = request.path_params["pegawai"]
        result = await run_in_threadpool(self.result)
        school = result.school
        if pid not in school.pegawai:
            raise Refused(404, "Pegawai tidak ditemukan.")
        day = self.settings.today()
        tasks = workflow.inbox(school, pid)
        problems = workflow.problems(result, pid)
        periodes = []
        for periode_id in reversed(school.periode_ids()):
            view = person_periode(school, periode_id, pid)
            plan = view.plan
            periodes.append(
                {
                    "id": periode_id,
                    "label": domain.parse_periode(periode_id).label,
                    "status": view.status,
                    "kinds": [
                        (kind, FORMS[kind].title, kind in view.files) for kind in _PERIOD_KINDS
                    ],
                    "history": plan.history if plan is not None else (),
                }
            )
        new_periodes = periode_choices(school.periode_ids(), day)
        return self.render(
            request,
            "pegawai.html",
            pid=pid,
            nama=_name(school, pid),
            tasks=tasks,
            problems=problems,
            labels=workflow.ACTION_LABELS,
            kind_titles={kind: form.title for kind, form in FORMS.items()},
            periodes=periodes,
            new_periodes=new_periodes,
            status_labels=domain.STATUS_RENCANA_LABELS,
            identify=lambda some_id: school.identify(some_id).display if some_id else "",
        )

    async def form(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        params = request.query_params
        if request.method == "POST":
            session, values = await self.checked_form(request)
        else:
            values = {}
        try:
            target = store.place(kind, params.get("pegawai"), params.get("periode"))
        except store.BadAddress as error:
            if kind in FORMS and FORMS[kind].per_periode and not params.get("periode"):
                return self.choose_periode(request, kind, params.get("pegawai", ""))
            raise Refused(404, str(error)) from error
        if request.method == "GET":
            return await run_in_threadpool(self.show_form, request, target)
        return await run_in_threadpool(self.submit_form, request, session, target, values)

    def choose_periode(self, request: Request, kind: str, pid: str) -> Response:
        school = self.result().school
        if pid not in school.pegawai:
            raise Refused(404, "Pegawai tidak ditemukan.")
        options = periode_choices(school.periode_ids(), self.settings.today())
        return self.render(
            request, "periode.html", kind=kind, title=FORMS[kind].title, pid=pid, options=options
        )

    def show_form(self, request: Request, target: store.Place) -> Response:
        data, opened = store.read(self.root, target)
        values = formview.flatten(FORMS[target.kind], data or {})
        return self.form_page(request, target, values, opened, [], {})

    def form_page(
        self,
        request: Request,
        target: store.Place,
        values: Mapping[str, Sequence[str]],
        opened: str,
        diagnostics: Sequence[Diagnostic],
        extra_rows: Mapping[str, int],
        status: int = 200,
        message: str = "",
    ) -> Response:
        form = FORMS[target.kind]
        school = self.result().school
        context = self.choice_context(school, target)
        sections = formview.layout(form, values, context, {}, extra_rows)
        placed, general = _place_diagnostics(diagnostics, formview.field_names(sections))
        sections = formview.layout(form, values, context, placed, extra_rows)
        plan = None
        if target.kind == "rencana" and target.periode and target.pegawai:
            plan = school.plan(target.periode, target.pegawai)
        computed: list[tuple[str, str]] = []
        if target.kind == "penilaian" and target.periode and target.pegawai:
            assessment = school.assessment(target.periode, target.pegawai)
            if assessment is not None:  # the model's figures, never recomputed here
                computed.append(("Predikat", domain.PREDIKAT_LABELS[assessment.predikat]))
                ak = assessment.angka_kredit
                if ak is not None:
                    figure = f"{domain.format_decimal(ak.value)} ({ak.months} bulan)"
                    computed.append(("Angka kredit", figure))
        return self.render(
            request,
            "formulir.html",
            status,
            computed=computed,
            form=form,
            target=target,
            sections=sections,
            opened=opened,
            general=general,
            message=message,
            owner_name=_name(school, target.pegawai),
            periode_label=domain.parse_periode(target.periode).label if target.periode else "",
            history=plan.history if plan is not None else (),
            status_labels=domain.STATUS_RENCANA_LABELS,
            identify=lambda some_id: school.identify(some_id).display if some_id else "",
            query=_query(target),
        )

    def choice_context(self, school: School, target: store.Place) -> ChoiceContext:
        people = {pid: _name(school, pid) for pid in sorted(school.pegawai)}
        dinas = (school.sekolah_data or {}).get("dinas", {})
        officials = [
            (str(entry["nip"]), f"{entry.get('nama', '')} ({entry.get('jabatan', '')})")
            for entry in (dinas.get("kepala"), dinas.get("pengawas"))
            if isinstance(entry, dict) and entry.get("nip")
        ]
        referensi = self.result().config.referensi
        activities: list[tuple[str, str]] = []
        focuses: list[tuple[str, str]] = []
        if target.periode and target.pegawai:
            plan = school.record(target.periode, target.pegawai, "rencana") or {}
            activities = [
                (str(entry["id"]), str(entry.get("kegiatan", "")))
                for entry in plan.get("pengembangan_kompetensi", [])
                if entry.get("id")
            ]
            chosen = plan.get("praktik_kinerja", {}).get("indikator")
            for entry in [
                *referensi.get("indikator_guru", []),
                *referensi.get("indikator_kepala_sekolah", []),
            ]:
                if entry["id"] == chosen:
                    focuses = [(f["nama"], f["nama"]) for f in entry.get("fokus_perilaku", [])]
        return ChoiceContext(
            referensi=referensi,
            people=people,
            role=school.role(target.pegawai) if target.pegawai else None,
            jenjang=(school.sekolah_data or {}).get("jenjang"),
            officials=officials,
            plan_activities=activities,
            focuses=focuses,
        )

    def submit_form(
        self,
        request: Request,
        session: Session,
        target: store.Place,
        values: dict[str, list[str]],
    ) -> Response:
        opened = (values.get("_dibuka") or [""])[0]
        adding = (values.get("_tambah") or [""])[0]
        if adding:  # "add a row": show the form again with one more empty row, save nothing
            return self.form_page(request, target, values, opened, [], {adding: 1})
        actor = self.require_person(session)
        school = self.result().school
        day = self.settings.today()
        if not workflow.may_edit(school, actor, target.kind, target.pegawai, day):
            raise Refused(403, f"{_name(school, actor)} tidak berhak mengubah catatan ini.")
        data = self.record_data(target, values, actor, day)
        with self.write_lock:
            before = _signature(self.root)
            try:
                saved = store.save(self.root, target, data, opened)
            except Busy as error:
                return self.form_page(request, target, values, opened, [], {}, 409, str(error))
            if saved.written:
                self.adopt(before, saved, target.rel)
                self.after_write(session, actor, f"simpan {target.kind}", target.rel)
        if saved.written:
            session.flash.append(("sukses", saved.message))
            return RedirectResponse(f"/formulir/{target.kind}?{_query(target)}", status_code=303)
        status = 409 if saved.stale else 422
        return self.form_page(
            request, target, values, opened, saved.diagnostics, {}, status, saved.message
        )

    def record_data(
        self, target: store.Place, values: Mapping[str, Sequence[str]], actor: str, day: dt.date
    ) -> dict[str, Any]:
        """The record: what the form covers, plus the parts it does not (owner, status …)."""
        built = formview.build_record(FORMS[target.kind], values)
        existing, _ = store.read(self.root, target)
        fixed: dict[str, Any] = {}
        if FORMS[target.kind].per_periode:
            fixed = {"pegawai": target.pegawai, "periode": target.periode}
        if target.kind == "rencana":
            history = (existing or {}).get("status")
            fixed["status"] = history or [
                {"status": "draf", "tanggal": day.isoformat(), "oleh": actor}
            ]
        # Keys this form does not show (added to the schema later, say) are kept, never dropped.
        covered = formview.top_keys(FORMS[target.kind])
        kept = {k: v for k, v in (existing or {}).items() if k not in covered and k not in fixed}
        data = {**kept, **fixed, **built}
        return formview.schema_order(target.kind, data)

    async def action(self, request: Request) -> Response:
        session, values = await self.checked_form(request)
        actor = self.require_person(session)

        def one(name: str) -> str:
            return (values.get(name) or [""])[0]

        command = one("perintah")
        if command not in workflow.available_commands():
            raise Refused(400, "Perintah tidak dikenal.")
        target = store.place("rencana", one("pegawai"), one("periode"))
        note = one("catatan").strip() or None
        if command == "tinjau-ulang" and not note:
            session.flash.append(
                ("galat", "Tulis catatan untuk pemilik rencana sebelum mengembalikan.")
            )
            return RedirectResponse(f"/pegawai/{actor}", status_code=303)
        day = self.settings.today()

        def run() -> tuple[bool, str, Sequence[Diagnostic]]:
            with self.write_lock:
                try:
                    outcome = workflow.act(
                        self.root,
                        target.periode or "",
                        target.pegawai or "",
                        command,
                        actor,
                        note,
                        day,
                    )
                except Busy as error:
                    return False, str(error), ()
                except KinerjaError as error:  # e.g. no plan in that periode, bad kinerja.yml
                    return False, error.message, ()
                if outcome.written:
                    self.after_write(session, actor, command, target.rel)
                return outcome.written, outcome.message, outcome.diagnostics

        written, message, diagnostics = await run_in_threadpool(run)
        session.flash.append(("sukses" if written else "galat", message))
        for diagnostic in diagnostics:  # the hints name CLI options: the message is enough here
            if diagnostic.message != message:
                session.flash.append(("galat", diagnostic.message))
        return RedirectResponse(f"/pegawai/{actor}", status_code=303)

    def after_write(self, session: Session, actor: str, action: str, rel: str) -> None:
        """Record who wrote; with --git, commit on the person's branch."""
        access.log_write(self.root, actor, action, rel, dt.datetime.now(dt.UTC))
        if self.settings.git:
            from kinerja_build.app import gitcommit

            school = self.result().school
            try:
                gitcommit.commit(self.root, rel, actor, _name(school, actor), action)
            except gitcommit.GitProblem as error:
                session.flash.append(("galat", f"Tersimpan, tetapi commit git gagal: {error}"))


_PERIOD_KINDS = tuple(kind for kind, form in FORMS.items() if form.per_periode)


def _place_diagnostics(
    diagnostics: Sequence[Diagnostic], names: Mapping[str, str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Messages by field name; those that name no field of the form go to the top."""
    placed: dict[str, list[str]] = {}
    general: list[str] = []
    for diagnostic in diagnostics:
        name = _field_of(diagnostic, names)
        if name:
            text = _field_message(diagnostic, names[name], name)
            if text not in placed.get(name, []):
                placed.setdefault(name, []).append(text)
        elif (text := _message(diagnostic)) not in general:
            general.append(text)
    return placed, general


def _field_message(diagnostic: Diagnostic, widget: str, name: str) -> str:
    """The message beside a field: schema wording about YAML keys becomes form wording."""
    parts = [str(part) for part in diagnostic.json_path]
    if diagnostic.code == "KIN101" and ".".join(parts) != name:
        return "Wajib diisi."
    if diagnostic.code == "KIN105" and widget == "date":
        return "Tanggal tidak sah: tulis sebagai hh/bb/tttt, mis. 20/01/2025, dan pastikan tanggalnya ada."
    return _message(diagnostic)


def _field_of(diagnostic: Diagnostic, names: Mapping[str, str]) -> str | None:
    parts = [str(part) for part in diagnostic.json_path]
    if diagnostic.code == "KIN101":  # a missing key is reported at its parent: name the key
        quoted = diagnostic.message.split("`")
        if len(quoted) >= 3:
            parts.append(quoted[1])
    while parts:
        name = ".".join(parts)
        if name in names:
            return name
        parts.pop()
    return None


def _message(diagnostic: Diagnostic) -> str:
    prefix = {Severity.ERROR: "", Severity.WARNING: "Peringatan: ", Severity.INFO: "Info: "}
    hint = f" {diagnostic.hint}" if diagnostic.hint else ""
    return f"{prefix[diagnostic.severity]}{diagnostic.message}{hint} [{diagnostic.code}]"


def _query(target: store.Place) -> str:
    parts = []
    if target.pegawai:
        parts.append(f"pegawai={target.pegawai}")
    if target.periode:
        parts.append(f"periode={target.periode}")
    return "&".join(parts)


def _name(school: School, pid: str | None) -> str:
    if not pid:
        return ""
    return str((school.person(pid) or {}).get("nama", pid))


def _tanggal(value: Any) -> str:
    if isinstance(value, dt.date):
        return domain.tanggal_indonesia(value)
    return "" if value is None else str(value)


def _cookie(response: Response, sid: str) -> None:
    response.set_cookie(COOKIE, sid, httponly=True, samesite="strict")


def _signature(root: Path) -> tuple[Any, ...]:
    """Cheap change detector: name, size and mtime of every file validation reads."""
    entries: list[Any] = []
    for name in layout.CONFIG_FILES:
        path = root / name
        if path.is_file():
            stat = path.stat()
            entries.append((name, stat.st_size, stat.st_mtime_ns))
    for folder, dirs, files in os.walk(layout.records_dir(root)):
        dirs.sort()
        for name in sorted(files):
            try:
                stat = os.stat(os.path.join(folder, name))
            except OSError:
                continue
            entries.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def _signed_in_only(app: KinerjaApp, inner: ASGIApp) -> ASGIApp:
    """On a shared server the progress site, too, is for signed-in persons only."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and app.settings.login:
            session = app.sessions.get(Request(scope).cookies.get(COOKIE, ""))
            if session is None or session.person is None:
                await RedirectResponse("/masuk", status_code=303)(scope, receive, send)
                return
        await inner(scope, receive, send)

    return guarded


def progress_site(root: Path) -> Path | None:
    """build/site of the repository when `kinerja build` made it (not followed out of root)."""
    site = root / layout.DEFAULT_OUT_DIR / layout.SITE_DIR
    inside = site.resolve().is_relative_to(root) if site.is_dir() else False
    return site if inside and (site / "index.html").is_file() else None


def create_app(settings: Settings) -> Starlette:
    """The ASGI application for one school repository."""
    app = KinerjaApp(settings)

    def guarded(
        handler: Callable[[Request], Awaitable[Response]], public: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                if settings.login and not public:
                    _, session = app.session(request)
                    if session.person is None:
                        return RedirectResponse("/masuk", status_code=303)
                return await handler(request)
            except Refused as refused:
                return app.render(request, "tolak.html", refused.status, message=refused.message)
            except store.BadAddress as error:
                return app.render(request, "tolak.html", 404, message=str(error))
            except KinerjaError as error:
                # Broken or hostile records end as a page saying what is wrong, never a 500.
                message = (
                    f"{error.message} Perbaiki catatan lewat formulir atau jalankan "
                    "`kinerja validate` untuk melihat semua galat."
                )
                return app.render(request, "tolak.html", 422, message=message)

        return endpoint

    routes = [
        Route("/", guarded(app.home)),
        Route("/saya", guarded(app.choose), methods=["POST"]),
        Route("/masuk", guarded(app.sign_in, public=True), methods=["GET", "POST"]),
        Route("/keluar", guarded(app.sign_out), methods=["POST"]),
        Route("/pegawai/{pegawai}", guarded(app.person)),
        Route("/formulir/{kind}", guarded(app.form), methods=["GET", "POST"]),
        Route("/aksi", guarded(app.action), methods=["POST"]),
        Mount("/aset", StaticFiles(directory=HERE / "static"), name="aset"),
    ]
    site = progress_site(app.root)
    if site is not None:  # the progress site `kinerja build` wrote, served as it is
        files = StaticFiles(directory=site, html=True)
        routes.append(Mount("/situs", app=_signed_in_only(app, files), name="situs"))
    app.site = site is not None
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))]
    starlette = Starlette(routes=routes, middleware=middleware)
    starlette.state.kinerja = app
    return starlette
