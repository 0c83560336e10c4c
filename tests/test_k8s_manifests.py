"""`scripts/render_k8s.py check` passes on the committed tree and fails on a broken copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "render_k8s.py"
K8S = Path("deploy/k8s")


def run_check(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the check on a tree and capture its output."""
    command = [sys.executable, str(SCRIPT), "check", "--root", str(root)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def copy_tree(tmp_path: Path) -> Path:
    """A copy of what the check reads: config/contracts.yaml and deploy/k8s/."""
    (tmp_path / "config").mkdir()
    shutil.copy(ROOT / "config" / "contracts.yaml", tmp_path / "config" / "contracts.yaml")
    shutil.copytree(ROOT / K8S, tmp_path / K8S)
    return tmp_path


def add_unknown_field(root: Path) -> None:
    """Give intake's API Deployment a pod-spec field Kubernetes does not know."""
    path = root / K8S / "intake.yaml"
    docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    api = next(d for d in docs if d["metadata"]["name"] == "intake-api")
    api["spec"]["template"]["spec"]["bogusField"] = True
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")


def edit_contracts(root: Path) -> None:
    """Change config/contracts.yaml without regenerating the ConfigMap."""
    with (root / "config" / "contracts.yaml").open("a", encoding="utf-8") as stream:
        stream.write("# an edit nobody rendered\n")


def unlist_resource(root: Path) -> None:
    """Drop reporting.yaml from kustomization.yaml's resources."""
    path = root / K8S / "kustomization.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- reporting.yaml\n", ""))


def test_committed_manifests_pass() -> None:
    result = run_check(ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (add_unknown_field, "invalid: deploy/k8s/intake.yaml: Deployment/intake-api"),
        (edit_contracts, "drifted: deploy/k8s/ticketing-contracts.yaml"),
        (unlist_resource, "invalid: deploy/k8s/kustomization.yaml: does not list reporting.yaml"),
    ],
)
def test_broken_copy_fails(tmp_path: Path, breakage: Callable[[Path], None], expected: str) -> None:
    root = copy_tree(tmp_path)
    breakage(root)
    result = run_check(root)
    assert result.returncode == 1
    assert expected in result.stderr
    if breakage is add_unknown_field:
        assert "'bogusField' was unexpected" in result.stderr
