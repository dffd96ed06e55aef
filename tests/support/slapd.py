"""Throwaway OpenLDAP servers (slapd) for tests and benchmarks.

``Slapd(suffix=..., ldif=...)`` writes a slapd.conf into a temporary directory, loads the
LDIF offline with slapadd, starts slapd on a free loopback port and polls until it
answers; ``stop()`` ends it, ``start()`` brings it back on the same port with the same
data. Flavours: ``"openldap"`` (core, cosine, nis, inetorgperson) and ``"ad"`` (adds
Debian's msuser.schema, with AD's case-insensitive matching of sAMAccountName and
userPrincipalName, and the phonetic name attributes it lacks).

Nothing here imports Django, so benchmarks can use it too.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SCHEMA_DIR = Path("/etc/ldap/schema")
ROOT_PASSWORD = "root-secret"
SERVICE_PASSWORD = "service-secret"

# msuser.schema has no phonetic name attributes; AD's own OIDs are used here.
AD_EXTRA_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.1942 NAME 'msDS-PhoneticFirstName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.1943 NAME 'msDS-PhoneticLastName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.2.840.113556.1.4.1946 NAME 'msDS-PhoneticDisplayName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.4203.666.11.990.1 NAME 'highestCommittedUSN'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.4203.666.11.990.2 NAME 'dsServiceName'
  EQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 SINGLE-VALUE )
"""


def find(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(p) for p in (Path("/usr/sbin") / name,) if p.exists()), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Slapd:
    """One slapd process with one mdb database; use as a context manager or stop()."""

    def __init__(
        self,
        *,
        suffix: str = "dc=ward,dc=example",
        ldif: str | Path = "",
        flavour: str = "openldap",
        size_limit: int | None = None,
        extra_database_config: str = "",
        tls: bool = False,
        root_dse: str = "",
        modules: tuple[str, ...] = (),
    ):
        self.suffix = suffix
        self.flavour = flavour
        self.root_dn = f"cn=admin,{suffix}"
        self.root_password = ROOT_PASSWORD
        self.service_dn = f"cn=intranet,{suffix}"
        self.service_password = SERVICE_PASSWORD
        self.directory = Path(tempfile.mkdtemp(prefix="slapd-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.ca_file: Path | None = None
        self.ldaps_port: int | None = None
        self.modules = modules  # extra overlays to load (refint, …)
        global_tls = self._make_certificates() if tls else ""
        if root_dse:
            # Extra root DSE attributes (AD's highestCommittedUSN, dsServiceName).
            (self.directory / "rootdse.ldif").write_text(root_dse, encoding="utf-8")
            global_tls += f"rootDSE {self.directory / 'rootdse.ldif'}\n"
        self._write_config(size_limit, extra_database_config, global_tls)
        data = self.directory / "data.ldif"
        if isinstance(ldif, Path):
            shutil.copyfile(ldif, data)
        else:
            data.write_text(ldif, encoding="utf-8")
        self._slapadd(data)
        self.start()

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self) -> str:
        return f"ldaps://localhost:{self.ldaps_port}"

    def _make_certificates(self) -> str:
        """A throwaway CA and a server certificate for localhost (openssl)."""
        d = self.directory
        openssl = shutil.which("openssl")

        def run(*args):
            subprocess.run([openssl, *args], cwd=d, check=True, capture_output=True)

        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=Test CA", "-keyout", "ca.key", "-out", "ca.crt")  # fmt: skip
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-keyout", "server.key", "-out", "server.csr")  # fmt: skip
        (d / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt")  # fmt: skip
        self.ca_file = d / "ca.crt"
        self.ldaps_port = free_port()
        return (
            f"TLSCACertificateFile {d / 'ca.crt'}\n"
            f"TLSCertificateFile {d / 'server.crt'}\n"
            f"TLSCertificateKeyFile {d / 'server.key'}\n"
        )

    def _write_config(
        self, size_limit: int | None, extra: str, global_tls: str = ""
    ) -> None:
        schemas = ["core", "cosine", "nis", "inetorgperson"]
        includes = [f"include {SCHEMA_DIR / name}.schema" for name in schemas]
        if self.flavour == "ad":
            # Debian's copy gives sAMAccountName/userPrincipalName no equality rule;
            # AD matches them case-insensitively, so the test server does too.
            schema = (SCHEMA_DIR / "msuser.schema").read_text(encoding="utf-8")
            for name in ("sAMAccountName", "userPrincipalName"):
                schema = schema.replace(
                    f"NAME '{name}'\n",
                    f"NAME '{name}'\n\tEQUALITY caseIgnoreMatch\n",
                )
            # uSNChanged is compared (>=) by the incremental sync, as on AD.
            schema = schema.replace(
                "NAME 'uSNChanged'\n",
                "NAME 'uSNChanged'\n\tEQUALITY integerMatch ORDERING integerOrderingMatch\n",
            )
            (self.directory / "msuser.schema").write_text(schema, encoding="utf-8")
            includes.append(f"include {self.directory / 'msuser.schema'}")
            (self.directory / "ad-extra.schema").write_text(AD_EXTRA_SCHEMA)
            includes.append(f"include {self.directory / 'ad-extra.schema'}")
        (self.directory / "db").mkdir()
        limits = (
            f"limits users size.prtotal={size_limit} size.soft={size_limit} "
            f"size.hard={size_limit}\n"
            f"limits anonymous size.prtotal={size_limit}\n"
            if size_limit is not None
            else ""
        )
        config = "\n".join(
            [
                *includes,
                f"pidfile {self.directory / 'slapd.pid'}",
                f"argsfile {self.directory / 'slapd.args'}",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                *(f"moduleload {module}" for module in self.modules),
                "sizelimit unlimited",
                "loglevel none",
                global_tls,
                "database mdb",
                "maxsize 1073741824",
                f'suffix "{self.suffix}"',
                f'rootdn "{self.root_dn}"',
                f"rootpw {self.root_password}",
                f"directory {self.directory / 'db'}",
                "index objectClass,entryUUID,uid,mail eq",
                "index modifyTimestamp eq",
                "access to attrs=userPassword by self =xw by anonymous auth by * none",
                "access to * by * read",
                limits,
                extra,
                "",
            ]
        )
        self.config = self.directory / "slapd.conf"
        self.config.write_text(config, encoding="utf-8")

    def _slapadd(self, data: Path) -> None:
        slapadd = find("slapadd")
        result = subprocess.run(
            [slapadd, "-q", "-f", str(self.config), "-l", str(data)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"slapadd failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        slapd = find("slapd")
        urls = f"{self.uri}/" + (
            f" ldaps://127.0.0.1:{self.ldaps_port}/" if self.ldaps_port else ""
        )
        self.process = subprocess.Popen(
            [slapd, "-d", "0", "-f", str(self.config), "-h", urls],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode(errors="replace")
                raise RuntimeError(f"slapd exited early: {error}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not answer within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def modify(self, ldif: str) -> None:
        """Apply LDIF change records as the root DN (ldapmodify)."""
        result = subprocess.run(
            [
                find("ldapmodify"),
                "-x",
                "-H",
                self.uri,
                "-D",
                self.root_dn,
                "-w",
                self.root_password,
            ],
            input=ldif,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"ldapmodify failed: {result.stderr or result.stdout}")
