"""Stand-in release files for offline test builds of the image.

The real Kubernetes, etcd, Calico, Flannel and confd release files cannot always be
downloaded (CI, air-gapped machines). For tests this module fills a cache folder with small
POSIX shell programs under the pinned names and writes the ``NAME SHA256`` override file that
lets ``muranokit-fetch`` accept them. Real builds never use this: without the override every
file must match its published checksum.

The stand-ins of the daemons (kube-apiserver, kube-controller-manager, kube-scheduler,
kube-proxy, kubelet, etcd, flanneld, confd) accept exactly the flags of the pinned release
(``tools/standin_flags/<binary>.yaml``, see ``flag_check``) and refuse the way the real
binary does: same first error line, same exit code, required flags included. Accepted, they
log their command line to ``$MURANOKIT_STANDIN_LOG`` (when set) and exit 0; ``flanneld``
also writes its subnet file, as the real one does once it has a lease. ``kubectl``,
``etcdctl`` and the CNI plugins are client stand-ins that print who they are.
"""

from __future__ import annotations

import hashlib
import io
import re
import tarfile
from pathlib import Path

from muranokit.engine.files import write_file
from muranokit.tools import flag_check, image_pins
from muranokit.tools.image_elements import SOURCE_ELEMENTS
from muranokit.tools.image_pins import Pin

KUBERNETES_SERVER_BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler",
                              "kube-proxy", "kubelet", "kubectl")


def read_pins(elements_dir: Path = SOURCE_ELEMENTS) -> list[Pin]:
    """Every pinned file of every element (``@when`` guards included: all are listed)."""
    return image_pins.read_pins(elements_dir)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _kind_function(spec: flag_check.FlagSpec) -> str:
    """``kind_of NAME``: prints the flag's value type, fails for an unknown flag."""
    by_kind: dict[str, list[str]] = {}
    for name in [*spec.flags, *spec.hidden]:
        by_kind.setdefault(spec.kind(name), []).append(name)
    if spec.dialect in ("goflag", "etcd") and "help" not in spec.flags:
        by_kind.setdefault("help", []).extend(["h", "help"])
    lines = ["kind_of() {", "    case $1 in"]
    for kind, names in sorted(by_kind.items()):
        lines.append(f"        {'|'.join(sorted(names))}) echo {kind} ;;")
    lines += ["        *) return 1 ;;", "    esac", "}"]
    return "\n".join(lines)


VALIDATE = r"""valid() {
    case $1 in
        bool) case $2 in 1|t|T|TRUE|true|True|0|f|F|FALSE|false|False) return 0 ;; esac
              return 1 ;;
%(patterns)s
        *) return 0 ;;
    esac
}"""


def _validate_function() -> str:
    patterns = "\n".join(
        f"        {kind}) printf '%s\\n' \"$2\" | grep -Eqx {_quote(pattern)} ;;"
        for kind, pattern in flag_check.VALUE_PATTERNS.items())
    return VALIDATE % {"patterns": patterns}


def _refuse_function(spec: flag_check.FlagSpec) -> str:
    code = flag_check.EXIT_CODES[spec.dialect]
    if spec.dialect == "cobra":
        line = 'printf "Error: %s\\n" "$1" >&2'
    elif spec.dialect == "kubelet":
        line = ('case $1 in "unknown command "*) printf \'"Unknown command" command="%s"\\n\' '
                '"${1#unknown command }" >&2 ;; *) printf \'"Failed to parse kubelet flag" '
                'err="%s"\\n\' "$1" >&2 ;; esac')
    elif spec.dialect == "etcd":
        line = 'printf "etcd: error verifying flags, %s. See \'etcd --help\'.\\n" "$1" >&2'
    else:
        line = 'printf "%s\\n" "$1" >&2'
    return f"refuse() {{\n    {line}\n    exit {code}\n}}"


COMMON = r"""set_flag() {
    eval "F_$(printf '%s' "$1" | tr -c 'a-zA-Z0-9\n' _)=\$2"
    SEEN="$SEEN $1 "
}
get_flag() {
    eval "printf '%s' \"\${F_$(printf '%s' "$1" | tr -c 'a-zA-Z0-9\n' _)}\""
}
has_flag() {
    case $SEEN in *" $1 "*) return 0 ;; esac
    return 1
}
SEEN=" "
ARGS="$*"
"""

PFLAG_LOOP = r"""POSITIONAL=""
while [ $# -gt 0 ]; do
    arg=$1
    shift
    case $arg in
        --) POSITIONAL="$POSITIONAL $*"; break ;;
        --*)
            name=${arg#--}
            has_value=0
            value=
            case $name in *=*) value=${name#*=}; name=${name%%=*}; has_value=1 ;; esac
            name=$(printf '%s' "$name" | tr _ -)
            kind=$(kind_of "$name") || refuse "unknown flag: --$name"
            if [ $has_value = 0 ]; then
                case $kind in
                    bool|optional) value=true ;;
                    *) [ $# -gt 0 ] || refuse "flag needs an argument: --$name"
                       value=$1; shift ;;
                esac
            fi
            valid "$kind" "$value" || \
                refuse "invalid argument \"$value\" for \"--$name\" flag: not a valid $kind"
            set_flag "$name" "$value"
            ;;
        -?*)
            rest=${arg#-?}
            short=${arg#-}
            short=${short%"$rest"}
            case $short in
                h) first=$(printf '%s' "$rest" | cut -c1)
                   [ -z "$rest" ] || refuse "unknown shorthand flag: '$first' in $arg"
                   set_flag help true ;;
                v) kind_of v >/dev/null || refuse "unknown shorthand flag: 'v' in $arg"
                   value=${rest#=}
                   if [ -z "$value" ]; then
                       [ $# -gt 0 ] || refuse "flag needs an argument: 'v' in -v"
                       value=$1; shift
                   fi
                   kind=$(kind_of v)
                   valid "$kind" "$value" || refuse \
                       "invalid argument \"$value\" for \"-v, --v\" flag: not a valid $kind"
                   set_flag v "$value" ;;
                *) refuse "unknown shorthand flag: '$short' in $arg" ;;
            esac
            ;;
        *) POSITIONAL="$POSITIONAL $arg" ;;
    esac
done
"""

GOFLAG_LOOP = r"""while [ $# -gt 0 ]; do
    arg=$1
    case $arg in
        --) shift; break ;;
        -?*) shift ;;
        *) break ;;
    esac
    name=${arg#-}
    name=${name#-}
    case $name in ''|-*|=*) refuse "bad flag syntax: $arg" ;; esac
    has_value=0
    value=
    case $name in *=*) value=${name#*=}; name=${name%%=*}; has_value=1 ;; esac
    kind=$(kind_of "$name") || refuse "flag provided but not defined: -$name"
    case $kind in
        help) set_flag help true; continue ;;
        bool)
            [ $has_value = 1 ] || value=true
            valid bool "$value" || \
                refuse "invalid boolean value \"$value\" for -$name: parse error" ;;
        *)
            if [ $has_value = 0 ]; then
                [ $# -gt 0 ] || refuse "flag needs an argument: -$name"
                value=$1; shift
            fi
            valid "$kind" "$value" || \
                refuse "invalid value \"$value\" for flag -$name: parse error" ;;
    esac
    set_flag "$name" "$value"
done
"""

ETCD_ENVIRONMENT = r"""[ $# -eq 0 ] || refuse "'$1' is not a valid flag"
for key in $(env | sed -n 's/^\(ETCD_[A-Za-z0-9_]*\)=.*/\1/p' | sort); do
    name=$(printf '%s' "${key#ETCD_}" | tr 'A-Z_' 'a-z-')
    eval "value=\${$key}"
    if ! kind=$(kind_of "$name"); then
        printf '[WARNING] unrecognized environment variable %s=%s\n' "$key" "$value" >&2
        continue
    fi
    ! has_flag "$name" || refuse "conflicting environment variable \"$key\" is shadowed \
by corresponding command-line flag (either unset environment variable or disable flag)"
    valid "$kind" "$value" || refuse "invalid value \"$value\" for $key: parse error"
    set_flag "$name" "$value"
done
"""


def _positional_check(spec: flag_check.FlagSpec) -> str:
    if spec.dialect == "cobra":
        return ('if [ -n "$POSITIONAL" ]; then\n'
                '    got=$(for p in $POSITIONAL; do printf \'"%s" \' "$p"; done)\n'
                f'    refuse "\\"{spec.binary}\\" does not take any arguments, got [${{got% }}]"\n'
                'fi\n')
    if spec.dialect == "kubelet":
        return ('first=${POSITIONAL# }\n'
                '[ -z "$first" ] || refuse "unknown command ${first%% *}"\n')
    if spec.dialect == "etcd":
        return ETCD_ENVIRONMENT
    return ""


def _constraints(spec: flag_check.FlagSpec) -> str:
    lines = ["ERRORS="]
    for name, rule in spec.hidden.items():
        if "only" in rule:
            error = rule["error"].replace("{value}", "$(get_flag " + name + ")")
            only = _quote(rule["only"])
            lines.append(f'if has_flag {name} && [ "$(get_flag {name})" != {only} ]; '
                         f'then ERRORS="${{ERRORS:+$ERRORS, }}{error}"; fi')
    for rule in spec.required:
        lines.append(f'has_flag {rule["flag"]} || ERRORS="${{ERRORS:+$ERRORS, }}{rule["error"]}"')
    if spec.dialect == "cobra":
        lines.append('case $ERRORS in *", "*) refuse "[$ERRORS]" ;; ?*) refuse "$ERRORS" ;; esac')
    else:
        lines.append('[ -z "$ERRORS" ] || refuse "${ERRORS%%, *}"')
    return "\n".join(lines) + "\n"


FLANNELD_EFFECT = r"""subnet_file=$(get_flag subnet-file)
subnet_file=${subnet_file:-/run/flannel/subnet.env}
mkdir -p "$(dirname "$subnet_file")"
ipmasq=$(get_flag ip-masq)
cat > "$subnet_file" <<ENV
FLANNEL_NETWORK=10.200.0.0/16
FLANNEL_SUBNET=10.200.1.1/24
FLANNEL_MTU=1450
FLANNEL_IPMASQ=${ipmasq:-false}
ENV
"""


def checked_standin(binary: str, version: str) -> bytes:
    """A stand-in that checks its command line against ``binary``'s flag data."""
    spec = flag_check.load_spec(binary)
    parts = [
        "#!/bin/sh",
        f"# muranokit test stand-in for {binary} {version}: accepts exactly the flags of",
        f"# {spec.binary} {spec.release} (tools/standin_flags/{binary}.yaml) and refuses "
        "the way the real binary does.",
        _kind_function(spec), _validate_function(), _refuse_function(spec), COMMON,
        PFLAG_LOOP if spec.dialect in ("cobra", "kubelet") else GOFLAG_LOOP,
        _positional_check(spec),
        'if has_flag help; then echo "Usage of ' + binary + ' (muranokit test stand-in)"; '
        "exit 0; fi",
        'case $(get_flag version) in ""|0|f|F|FALSE|false|False) ;; '
        f'*) echo "{binary} {version} (muranokit test stand-in)"; exit 0 ;; esac',
        _constraints(spec),
        'if [ -n "${MURANOKIT_STANDIN_LOG:-}" ]; then printf \'%s %s\\n\' '
        f'{binary} "$ARGS" >> "$MURANOKIT_STANDIN_LOG"; fi',
    ]
    if binary == "flanneld":
        parts.append(FLANNELD_EFFECT)
    parts.append("exit 0\n")
    return "\n".join(parts).encode()


def client_standin(tool: str, version: str) -> bytes:
    """A client or plugin stand-in: prints who it is, answers the health checks scripts use."""
    return (f"#!/bin/sh\n# muranokit test stand-in for {tool} {version} (a client or plugin: "
            "its arguments are not checked)\n"
            'if [ -n "${MURANOKIT_STANDIN_LOG:-}" ]; then '
            f"printf '%s %s\\n' {tool} \"$*\" >> \"$MURANOKIT_STANDIN_LOG\"; fi\n"
            'case " $* " in\n'
            f'    *" --version "*|*" version "*|"  ") echo "{tool} {version} '
            '(muranokit test stand-in)" ;;\n'
            '    *" get --raw /healthz "*) echo ok ;;\n'
            '    *" endpoint health "*) echo "127.0.0.1:2379 is healthy" ;;\n'
            "esac\nexit 0\n").encode()


def standin_script(tool: str, version: str) -> bytes:
    """The stand-in for ``tool``: flag-checked when there is flag data for it."""
    if tool in flag_check.binaries():
        return checked_standin(tool, version)
    return client_standin(tool, version)


def _tarball(top: str, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.GNU_FORMAT) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            info.mode = 0o755
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _tool_name(pin_name: str) -> tuple[str, str]:
    """``flanneld-v0.25.0`` -> (``flanneld``, ``v0.25.0``)."""
    match = re.match(r"^(.*?)-(v?\d+\.\d+\.\d+.*)$", pin_name)
    return (match.group(1), match.group(2)) if match else (pin_name, "unknown")


def standin_content(pin_name: str) -> bytes:
    """The stand-in bytes for one pinned file name."""
    if pin_name.startswith("kubernetes-server-") and pin_name.endswith(".tar.gz"):
        version = pin_name[len("kubernetes-server-"):].split("-linux")[0]
        return _tarball("kubernetes/server/bin",
                        {tool: standin_script(tool, version)
                         for tool in KUBERNETES_SERVER_BINARIES})
    if pin_name.startswith("etcd-") and pin_name.endswith(".tar.gz"):
        top = pin_name[: -len(".tar.gz")]
        version = top.split("-")[1]
        return _tarball(top, {tool: standin_script(tool, version)
                              for tool in ("etcd", "etcdctl")})
    tool, version = _tool_name(pin_name)
    return standin_script(tool, version)


def write_standins(cache: Path, skip: tuple[str, ...] = ()) -> Path:
    """Fill ``cache`` with stand-ins for every pinned file; returns the override file."""
    cache.mkdir(parents=True, exist_ok=True)
    lines = []
    for pin in read_pins():
        data = standin_content(pin.name)
        lines.append(f"{pin.name} {hashlib.sha256(data).hexdigest()}")
        if pin.name in skip:
            continue
        write_file(cache / pin.name, data, mode=0o755, sync=False)
    overrides = cache / "standins.sha256"
    write_file(overrides, "\n".join(lines) + "\n", sync=False)
    return overrides


SYSTEMCTL = r"""#!/bin/sh
# muranokit test stand-in for systemctl: records every call in /var/log/systemctl-calls;
# "start"/"restart" of a unit whose ExecStart runs a muranokit stand-in runs that command
# line the way systemd would (EnvironmentFile= read as KEY=VALUE lines, $VAR split on white
# space) and fails, naming the unit, when it does. Other units (real daemons) are not run.
echo "$*" >> /var/log/systemctl-calls
command=$1
shift
case $command in start|restart) ;; *) exit 0 ;; esac
for unit in "$@"; do
    unit=${unit%.service}
    file=/etc/systemd/system/$unit.service
    [ -f "$file" ] || file=/lib/systemd/system/$unit.service
    [ -f "$file" ] || { echo "Unit $unit.service not found." >&2; exit 5; }
    exec_line=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$file" | sed -n 's/^ExecStart=//p' |
        tail -n 1)
    binary=${exec_line%% *}
    grep -q "muranokit test stand-in" "$binary" 2>/dev/null || continue
    (
        for env_file in $(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$file"); do
            [ -f "$env_file" ] || continue
            while IFS= read -r line || [ -n "$line" ]; do
                case $line in
                    ''|'#'*) ;;
                    *=*) export "${line%%=*}=${line#*=}" ;;
                esac
            done < "$env_file"
        done
        eval "exec $exec_line"
    ) || { echo "Job for $unit.service failed." >&2; exit 1; }
done
exit 0
"""


def systemctl_standin() -> bytes:
    """A ``systemctl`` for chroots that starts units whose binaries are stand-ins."""
    return SYSTEMCTL.encode()
