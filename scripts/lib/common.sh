# shellcheck shell=bash
# Helpers shared by scripts/test and scripts/bench. Source it; it defines functions only
# (plus the exit-hook trap, installed by on_exit).

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# --- exit hooks -----------------------------------------------------------------------------
# on_exit CMD...: run CMD (as one eval'd string) when the script exits for any reason: normal
# end, a failing command under `set -e`, Ctrl-C (INT), TERM or HUP. Hooks run last-in first-out.
_exit_hooks=()
_run_exit_hooks() {
    local status=$? i
    trap - EXIT INT TERM HUP
    for ((i = ${#_exit_hooks[@]} - 1; i >= 0; i--)); do
        eval "${_exit_hooks[i]}" || true
    done
    return "$status"
}
on_exit() {
    if ((${#_exit_hooks[@]} == 0)); then
        trap _run_exit_hooks EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        trap 'exit 129' HUP
    fi
    _exit_hooks+=("$*")
}

# --- Debian packages ------------------------------------------------------------------------
# Is Debian package $1 installed?
deb_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

# as_root CMD...: run CMD as root (directly when root, else with sudo).
as_root() {
    if ((EUID == 0)); then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

# apt_ensure PKG...: install the packages that are missing, quietly. Runs `apt-get update` first
# only when something is missing. Prints apt's output only if it fails.
apt_ensure() {
    local missing=() p logf
    for p in "$@"; do
        deb_installed "$p" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    log "installing Debian packages: ${missing[*]}"
    logf=$(mktemp)
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$logf" 2>&1 ||
        ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            "${missing[@]}" >>"$logf" 2>&1; then
        cat "$logf" >&2
        rm -f "$logf"
        die "could not install: ${missing[*]}"
    fi
    rm -f "$logf"
}

# --- misc -----------------------------------------------------------------------------------
# free_port: print a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
    if command -v python3 >/dev/null &&
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null; then
        return 0
    fi
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 40000))
        # A refused connection means the port is free.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free TCP port found"
}

# fmt_secs N: "1m05s" / "42s"
fmt_secs() {
    local s=$1
    if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
