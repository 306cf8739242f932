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
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} (needed by Tend)..." >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
