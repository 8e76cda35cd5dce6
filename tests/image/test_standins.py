"""The stand-in binaries accept exactly the flags of the pinned releases and refuse the way
the real binaries do; the shell stand-ins and the Python checker agree on every case."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from muranokit.tools import flag_check, image_pins
from muranokit.tools.image import REPO_ELEMENTS
from muranokit.tools.image_standins import checked_standin, standin_content

SAMPLE_VALUES = {"bool": "true", "optional": "true", "string": "x", "int": "3", "int32": "-2",
                 "uint": "7", "float": "0.5", "duration": "1m30s"}


def pinned_version(prefix: str) -> str:
    names = [p.name for p in image_pins.read_pins(REPO_ELEMENTS) if p.name.startswith(prefix)]
    assert len(names) == 1, names
    return names[0][len(prefix):].split("-linux")[0].split(".tar")[0]


def test_flag_data_names_its_source_and_matches_the_pinned_releases() -> None:
    assert set(flag_check.binaries()) == {
        "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet",
        "etcd", "flanneld", "confd"}
    kubernetes = pinned_version("kubernetes-server-")
    for binary in flag_check.binaries():
        spec = flag_check.load_spec(binary)
        assert spec.binary == binary and len(spec.source) > 40, binary
        assert len(spec.flags) > 20, binary
        if binary.startswith("kube"):
            assert spec.release == kubernetes, binary
    assert flag_check.load_spec("flanneld").release == pinned_version("flanneld-")
    assert flag_check.load_spec("confd").release == pinned_version("confd-")


def sh(script: bytes, tmp_path: Path, argv: list[str],
       env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    path = tmp_path / "standin"
    path.write_bytes(script)
    return subprocess.run(["sh", str(path), *argv], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **(env or {})}, cwd=tmp_path)


def every_flag(spec: flag_check.FlagSpec) -> list[str]:
    argv = []
    for name, kind in spec.flags.items():
        if name in ("help", "version"):
            continue
        argv.append(f"--{name}" if kind == "bool" else f"--{name}={SAMPLE_VALUES[kind]}")
    return argv


def cases(spec: flag_check.FlagSpec) -> list[tuple[list[str], dict[str, str]]]:
    """Command lines every stand-in must treat as its release does."""
    required = [f"--{r['flag']}=x" for r in spec.required]
    some = next(n for n, k in spec.flags.items() if k == "string")
    number = next(n for n, k in spec.flags.items() if k in ("int", "int32", "uint"))
    boolean = next(n for n, k in spec.flags.items() if k == "bool" and n != "version")
    found = [
        (every_flag(spec), {}), ([], {}), (required, {}), ([*required, "--no-such-flag"], {}),
        ([*required, f"--{some}"], {}), ([*required, f"--{number}=twelve"], {}),
        ([*required, f"--{boolean}=maybe"], {}), ([*required, "stray"], {}),
        (["--help"], {}), (["--version"], {}), ([*required, f"-{some}=x"], {}),
        ([*required, f"--{some}", "spaced value"], {}),
    ]
    if spec.dialect in ("cobra", "kubelet"):
        found += [([*required, f"--{some.replace('-', '_')}=x"], {}),
                  ([*required, "-v", "4"], {}), ([*required, "-q"], {})]
    if spec.env_prefix:
        found += [([], {"ETCD_NAME": "m1", "ETCD_DATA_DIR": "/d"}),
                  ([], {"ETCD_NO_SUCH": "1"}), (["--name=x"], {"ETCD_NAME": "y"}),
                  ([], {"ETCD_SNAPSHOT_COUNT": "many"})]
    for name, rule in spec.hidden.items():
        if "only" in rule:
            found += [([*required, f"--{name}={rule['only']}"], {}),
                      ([*required, f"--{name}=8080"], {})]
    return found


@pytest.mark.parametrize("binary", flag_check.binaries())
def test_shell_stand_in_and_checker_agree(binary: str, tmp_path: Path) -> None:
    spec = flag_check.load_spec(binary)
    script = checked_standin(binary, spec.release)
    for argv, env in cases(spec):
        expected = flag_check.check(spec, argv, env)
        done = sh(script, tmp_path, argv, env)
        errors = [line for line in done.stderr.splitlines() if not line.startswith("[WARNING]")]
        warnings = [line for line in done.stderr.splitlines() if line.startswith("[WARNING]")]
        assert done.returncode == expected.code, (argv, env, done.stderr, expected)
        assert (errors[-1] if errors else None) == expected.error, (argv, env, done.stderr)
        assert warnings == expected.warnings, (argv, env)


def test_every_documented_flag_starts_and_unknown_ones_do_not() -> None:
    for binary in flag_check.binaries():
        spec = flag_check.load_spec(binary)
        required = [f"--{r['flag']}=x" for r in spec.required]
        assert flag_check.check(spec, every_flag(spec) + required).code == 0, binary
        refused = flag_check.check(spec, [*required, "--made-up-flag=1"])
        assert refused.code == flag_check.EXIT_CODES[spec.dialect]
        assert "made-up-flag" in refused.error


def test_removed_and_refused_flags_fail_like_the_real_binaries(tmp_path: Path) -> None:
    apiserver = checked_standin("kube-apiserver", "v1.21.14")
    base = ["--etcd-servers=http://127.0.0.1:2379", "--service-account-issuer=https://k",
            "--service-account-signing-key-file=/k"]
    done = sh(apiserver, tmp_path, [*base, "--insecure-bind-address=0.0.0.0",
                                    "--insecure-port=8080"])
    assert (done.returncode, done.stderr.strip()) == (
        1, "Error: invalid port value 8080: only zero is allowed")
    assert sh(apiserver, tmp_path, [*base, "--insecure-port=0"]).returncode == 0
    done = sh(apiserver, tmp_path, ["--etcd-servers=http://127.0.0.1:2379"])
    assert done.returncode == 1 and "service-account-issuer is a required flag" in done.stderr
    kubelet = checked_standin("kubelet", "v1.21.14")
    done = sh(kubelet, tmp_path, ["--cadvisor-port=4194"])  # removed in Kubernetes 1.12
    assert (done.returncode, done.stderr.strip()) == (
        1, '"Failed to parse kubelet flag" err="unknown flag: --cadvisor-port"')
    assert sh(kubelet, tmp_path, ["--network-plugin=cni", "--read-only-port=0"]).returncode == 0
    confd = checked_standin("confd", "0.16.0")
    done = sh(confd, tmp_path, ["-backend", "etcdv3", "-keys", "/x"])
    assert (done.returncode, done.stderr.strip()) == (2, "flag provided but not defined: -keys")


def test_dropping_a_flag_from_the_data_makes_it_refused(tmp_path: Path, monkeypatch) -> None:
    data = yaml.safe_load((flag_check.DATA_DIR / "kube-proxy.yaml").read_text())
    del data["flags"]["proxy-mode"]
    (tmp_path / "kube-proxy.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setattr(flag_check, "DATA_DIR", tmp_path)
    flag_check.load_spec.cache_clear()
    try:
        done = sh(checked_standin("kube-proxy", "v1.21.14"), tmp_path, ["--proxy-mode=iptables"])
        assert done.returncode == 1 and "unknown flag: --proxy-mode" in done.stderr
    finally:
        flag_check.load_spec.cache_clear()


def test_flanneld_stand_in_writes_its_subnet_file(tmp_path: Path) -> None:
    done = sh(checked_standin("flanneld", "v0.25.0"), tmp_path,
              ["-etcd-endpoints=http://127.0.0.1:2379", "-ip-masq",
               f"-subnet-file={tmp_path / 'run' / 'subnet.env'}"])
    assert done.returncode == 0, done.stderr
    assert "FLANNEL_IPMASQ=true" in (tmp_path / "run" / "subnet.env").read_text()


def test_accepted_command_lines_are_logged(tmp_path: Path) -> None:
    log = tmp_path / "standins.log"
    done = sh(checked_standin("kube-scheduler", "v1.21.14"), tmp_path,
              ["--kubeconfig=/k", "--port=0"], {"MURANOKIT_STANDIN_LOG": str(log)})
    assert done.returncode == 0
    assert log.read_text() == "kube-scheduler --kubeconfig=/k --port=0\n"


def test_kubernetes_tarball_carries_checked_daemons_and_a_client_kubectl() -> None:
    import io
    import tarfile
    content = standin_content(f"kubernetes-server-{pinned_version('kubernetes-server-')}"
                              "-linux-amd64.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(content)) as tar:
        members = {m.name.rsplit("/", 1)[1]: tar.extractfile(m).read() for m in tar}
    for daemon in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy",
                   "kubelet"):
        assert b"accepts exactly the flags" in members[daemon]
    assert b"its arguments are not checked" in members["kubectl"]


@pytest.mark.parametrize("args", [[], ["--version"], ["version", "--client"]])
def test_client_stand_ins_say_who_they_are(args: list[str], tmp_path: Path) -> None:
    plugin = tmp_path / "flannel"
    plugin.write_bytes(standin_content("flannel-cni-v1.0.0"))
    plugin.chmod(0o755)
    run = subprocess.run([str(plugin), *args], capture_output=True, text=True)
    assert run.returncode == 0
    assert "flannel-cni v1.0.0" in run.stdout
