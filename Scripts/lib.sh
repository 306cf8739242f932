# Shared by the Scripts: install the system packages Tend builds and tests against when they are absent.
ensure_system_packages() {
  local missing=()
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  pkg-config --exists libedit 2>/dev/null || missing+=(libedit-dev)
  # The release executable links SQLite statically (Package.swift), from libsqlite3-dev.
  ls /usr/lib/*-linux-gnu/libsqlite3.a >/dev/null 2>&1 || missing+=(libsqlite3-dev)
  for tool in "$@"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  install_system_packages "${missing[@]}"
}

# Installs Debian's packages named (none: nothing to do), quietly.
install_system_packages() {
  [ $# -gt 0 ] || return 0
  echo "Installing $* (needed by Tend)..." >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# Prints the folder of PostgreSQL's server programs (initdb, pg_ctl), installing Debian's
# `postgresql` when there is none; psql comes with it.
postgres_bin() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || ! command -v psql >/dev/null; then
    install_system_packages postgresql >&2
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  [ -x "$bin/initdb" ] || { echo "error: PostgreSQL's initdb is missing (apt-get install postgresql)" >&2; return 1; }
  printf '%s\n' "$bin"
}
