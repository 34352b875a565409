"""Fixtures: salesforce under test with kamcore.testing, its samples, and a local Salesforce
server.

The server (:class:`FakeSalesforce`) is a real HTTPS server on 127.0.0.1 with a self-signed
certificate (simple-salesforce builds every REST URL as ``https://<instance>``). It answers
the SOAP ``login`` call with the documented ``loginResponse`` (``serverUrl``, ``sessionId``)
and ``GET /services/data/vNN.N/query/?q=`` with pages of ``{"totalSize", "done",
"nextRecordsUrl", "records"}`` served from the package's sample records (conditions
``Kam_Id__c IN (...)``, ``Id IN (...)`` and ``SystemModstamp > <dateTime literal>`` are applied,
others are not); the queries it got are kept in ``soql`` and every request in ``requests``.
``faults`` makes the query of an object fail: ``"401"`` (INVALID_SESSION_ID), ``"429"`` (with
``Retry-After``), ``"drop"`` (the connection closes without an answer); ``on_query`` runs a
function when an object's query arrives (a user editing records meanwhile). Responses are
dated (``Date``) by the server's clock, the one its ``SystemModstamp`` values come from.
``PATCH /services/data/vNN.N/composite/sobjects/{object}/Kam_Id__c`` upserts records by that
external id as sObject Collections do (REST API Developer Guide, "Upsert Up to 200 Records":
``{"allOrNone", "records"}`` in, one ``{"id", "success", "errors", "created"}`` per record out;
a parent named by its external id, ``"AccountPlan": {"Kam_Id__c": ...}``, becomes its Id),
stamping each record written with a new ``SystemModstamp``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import json
import re
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from kamcore_salesforce.ids import to18

SESSION = "00DDn000000TEST!AQ8AQFakeSessionTokenForTests"
USERNAME = "kam@acme.example"
PASSWORD = "correct horse"
TOKEN = "tok3n"
ORG = "00DDn000000TESTMAQ"

LOGIN_RESPONSE = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns="urn:partner.soap.sforce.com"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <loginResponse>
   <result>
    <metadataServerUrl>{base}/services/Soap/m/{version}/{org}</metadataServerUrl>
    <passwordExpired>false</passwordExpired>
    <sandbox>false</sandbox>
    <serverUrl>{base}/services/Soap/u/{version}/{org}</serverUrl>
    <sessionId>{session}</sessionId>
    <userId>005Dn000000AbCdIAK</userId>
   </result>
  </loginResponse>
 </soapenv:Body>
</soapenv:Envelope>"""

LOGIN_FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:sf="urn:fault.partner.soap.sforce.com"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <soapenv:Fault>
   <faultcode>sf:INVALID_LOGIN</faultcode>
   <faultstring>INVALID_LOGIN: Invalid username, password, security token.</faultstring>
   <detail>
    <sf:LoginFault xsi:type="sf:LoginFault">
     <sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>
     <sf:exceptionMessage>Invalid username or password</sf:exceptionMessage>
    </sf:LoginFault>
   </detail>
  </soapenv:Fault>
 </soapenv:Body>
</soapenv:Envelope>"""


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate (and its key) for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class FakeSalesforce(ThreadingHTTPServer):
    """The server: ``records`` by object, ``page_size`` records per query page."""

    daemon_threads = True

    def __init__(self, records: dict[str, list[dict[str, Any]]], cert: Path, key: Path,
                 page_size: int = 2) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.records = records
        self.page_size = page_size
        self.requests: list[tuple[str, str]] = []
        self.cursors: dict[str, list[dict[str, Any]]] = {}
        self.soql: list[str] = []
        self.clock = 0
        self.fail_writes = False
        self.faults: dict[str, str] = {}
        self.on_query: dict[str, Callable[[], None]] = {}

    def now(self) -> dt.datetime:
        """The server's time: the last SystemModstamp it gave."""
        return dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC) + dt.timedelta(seconds=self.clock)

    def stamp(self) -> str:
        """A new SystemModstamp, later than every one before."""
        self.clock += 1
        return self.now().strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def find(self, sobject: str, kam_id: str) -> dict[str, Any] | None:
        """The record of ``sobject`` with this Kam_Id__c."""
        return next((r for r in self.records.get(sobject, []) if r.get("Kam_Id__c") == kam_id),
                    None)

    def edit(self, sobject: str, kam_id: str, **fields: Any) -> None:
        """Change a record as a user in Salesforce would (a new SystemModstamp)."""
        record = self.find(sobject, kam_id)
        assert record is not None
        record.update(fields, SystemModstamp=self.stamp())

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"

    def serve(self) -> Iterator[FakeSalesforce]:
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.shutdown()
            self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FakeSalesforce

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header: the server's clock."""
        return email.utils.format_datetime(self.server.now(), usegmt=True)

    def _send(self, status: int, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data), "application/json;charset=UTF-8")

    def do_POST(self) -> None:
        self.server.requests.append(("POST", self.path))
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        match = re.fullmatch(r"/services/Soap/u/(\d+\.\d+)", self.path)
        if match is None or self.headers.get("SOAPAction") != "login":
            self._send(404, "not found", "text/plain")
            return
        user = re.search(r"<n1:username>(.*?)</n1:username>", body)
        password = re.search(r"<n1:password>(.*?)</n1:password>", body)
        if (user is None or password is None or user.group(1) != USERNAME
                or password.group(1) != PASSWORD + TOKEN):
            self._send(500, LOGIN_FAULT, "text/xml;charset=UTF-8")
            return
        self._send(200, LOGIN_RESPONSE.format(base=self.server.base, version=match.group(1),
                                              org=ORG, session=SESSION),
                   "text/xml;charset=UTF-8")

    def do_GET(self) -> None:
        self.server.requests.append(("GET", self.path))
        if self.headers.get("Authorization") != f"Bearer {SESSION}":
            self._json(401, [{"message": "Session expired or invalid",
                              "errorCode": "INVALID_SESSION_ID"}])
            return
        url = urlparse(self.path)
        version = re.match(r"/services/data/v(\d+\.\d+)/query/?(.*)$", url.path)
        if version is None:
            self._json(404, [{"errorCode": "NOT_FOUND", "message": "no such resource"}])
            return
        cursor = version.group(2)
        if cursor:
            remaining = self.server.cursors.pop(cursor, None)
            if remaining is None:
                self._json(400, [{"errorCode": "INVALID_QUERY_LOCATOR",
                                  "message": "invalid query locator"}])
                return
            self._page(version.group(1), remaining, total=None)
            return
        soql = parse_qs(url.query).get("q", [""])[0]
        self.server.soql.append(soql)
        sobject = re.search(r"\bFROM\s+(\w+)", soql)
        if sobject is None or sobject.group(1) not in self.server.records:
            name = sobject.group(1) if sobject else "?"
            self._json(400, [{"errorCode": "INVALID_TYPE",
                              "message": f"sObject type '{name}' is not supported."}])
            return
        if self._fault(self.server.faults.get(sobject.group(1))):
            return
        edit = self.server.on_query.get(sobject.group(1))
        if edit is not None:
            edit()
        records = self.server.records[sobject.group(1)]
        wanted = re.search(r"WHERE Kam_Id__c IN \((.*)\)", soql)
        if wanted is not None:
            ids = {v.replace("\\'", "'") for v in re.findall(r"'((?:[^'\\]|\\.)*)'",
                                                                wanted.group(1))}
            records = [r for r in records if r.get("Kam_Id__c") in ids]
        by_id = re.search(r"\bId IN \(([^)]*)\)", soql)
        if by_id is not None:
            ids = set(re.findall(r"'(\w+)'", by_id.group(1)))
            records = [r for r in records if r["Id"] in ids]
        newer = re.search(r"\bSystemModstamp > (\S+)", soql)
        if newer is not None:
            cutoff = dt.datetime.fromisoformat(newer.group(1))
            records = [r for r in records if r.get("SystemModstamp")
                       and dt.datetime.fromisoformat(r["SystemModstamp"]) > cutoff]
        self._page(version.group(1), list(records), total=len(records))

    def _fault(self, fault: str | None) -> bool:
        """Answer with ``fault`` (see the module docs); False when there is none."""
        if fault == "401":
            self._json(401, [{"message": "Session expired or invalid",
                              "errorCode": "INVALID_SESSION_ID"}])
        elif fault == "429":
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "drop":
            self.connection.shutdown(2)
        return fault is not None

    def do_PATCH(self) -> None:
        self.server.requests.append(("PATCH", self.path))
        if self.headers.get("Authorization") != f"Bearer {SESSION}":
            self._json(401, [{"message": "Session expired or invalid",
                              "errorCode": "INVALID_SESSION_ID"}])
            return
        if self.server.fail_writes:  # the network drops the request
            self.connection.shutdown(2)
            return
        match = re.fullmatch(r"/services/data/v\d+\.\d+/composite/sobjects/(\w+)/Kam_Id__c",
                             self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        if match is None:
            self._json(404, [{"errorCode": "NOT_FOUND", "message": "no such resource"}])
            return
        sobject, results = match.group(1), []
        table = self.server.records.setdefault(sobject, [])
        for incoming in body["records"]:
            fields = {k: v for k, v in incoming.items() if k != "attributes"}
            for name, value in list(fields.items()):
                if isinstance(value, dict):  # a parent by its external id
                    parent = self.server.find(name, value["Kam_Id__c"])
                    assert parent is not None, f"no {name} {value}"
                    del fields[name]
                    fields[f"{name}Id"] = parent["Id"]
            record = self.server.find(sobject, fields["Kam_Id__c"])
            created = record is None
            if record is None:
                prefix = {"AccountPlan": "0Xa", "AccountPlanObjective": "0Xb"}.get(sobject, "0Xc")
                record = {"attributes": {"type": sobject},
                          "Id": to18(f"{prefix}Dn00000{len(table):05d}")}
                table.append(record)
            record.update(fields, SystemModstamp=self.server.stamp())
            record["attributes"]["url"] = \
                f"/services/data/v62.0/sobjects/{sobject}/{record['Id']}"
            results.append({"id": record["Id"], "success": True, "errors": [],
                            "created": created})
        self._json(200, results)

    def _page(self, version: str, records: list[dict[str, Any]], total: int | None) -> None:
        size = self.server.page_size
        page, rest = records[:size], records[size:]
        body: dict[str, Any] = {"totalSize": total if total is not None else len(records),
                                "done": not rest, "records": page}
        if rest:
            cursor = f"01gDn00000{len(self.server.cursors):05d}AAA-{size}"
            self.server.cursors[cursor] = rest
            body["nextRecordsUrl"] = f"/services/data/v{version}/query/{cursor}"
        self._json(200, body)


# -- fixtures ---------------------------------------------------------------------------------

SAMPLES = Path(str(files("kamcore_salesforce") / "samples"))


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    """A writable copy of the package's samples (csv/, tree/, api/)."""
    target = tmp_path / "samples"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture
def kam_plugin_names() -> set[str]:
    """Built-ins plus the installed ``salesforce`` entry point only."""
    return {"salesforce"}


@pytest.fixture
def kam_strict_plugins() -> bool:
    """A plugin failure raises."""
    return True


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def sf_server(certificate: tuple[Path, Path],
              monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSalesforce]:
    """The local HTTPS Salesforce, serving the sample records two per page."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "HTTPS_PROXY", "https_proxy",
                 "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    records = json.loads((SAMPLES / "api" / "records.json").read_text(encoding="utf-8"))
    server = FakeSalesforce(records, *certificate)
    yield from server.serve()


WriteConnection = Callable[..., Path]


@pytest.fixture
def connection(tmp_path: Path, sf_server: FakeSalesforce, certificate: tuple[Path, Path],
               monkeypatch: pytest.MonkeyPatch) -> WriteConnection:
    """``connection(**extra)``: write a connection file for the local server and set the
    environment variables it names. ``login=True`` uses a username/password login."""
    monkeypatch.setenv("KT_SF_SESSION", SESSION)
    monkeypatch.setenv("KT_SF_USER", USERNAME)
    monkeypatch.setenv("KT_SF_PASSWORD", PASSWORD)
    monkeypatch.setenv("KT_SF_TOKEN", TOKEN)
    shutil.copy(certificate[0], tmp_path / "local-ca.pem")

    def write(login: bool = False, **extra: object) -> Path:
        data: dict[str, object] = {"api_version": "59.0", "ca_bundle": "local-ca.pem"}
        if login:
            data.update(login_url=sf_server.base, username_env="KT_SF_USER",
                        password_env="KT_SF_PASSWORD", security_token_env="KT_SF_TOKEN")
        else:
            data.update(instance_url=sf_server.base, session_id_env="KT_SF_SESSION")
        data.update(extra)
        path = tmp_path / "salesforce.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


RunKam = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def kam(tmp_path: Path) -> RunKam:
    """``kam(*args)``: run the installed ``kam`` on the workspace ``tmp_path / "kam.db"``
    (created on first use); the completed process, its output as text."""
    program = str(Path(sys.executable).parent / "kam")
    db = tmp_path / "kam.db"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        if not db.exists():
            subprocess.run([program, "-w", str(db), "init"], check=True, capture_output=True)
        return subprocess.run([program, "-w", str(db), *args], capture_output=True, text=True,
                              timeout=120)

    return run
