# Sourced by demo.sh and test.sh: make sure the servers the run starts are installed. It installs
# what is missing with apt-get when it may (root, or sudo without a password); otherwise it stops at
# once with the exact command to run.
#
#   require_servers redis-server etcd-server etcd-client     (Debian package names)
require_servers() {
  local missing=() package binary
  for package in "$@"; do
    case "$package" in
      redis-server) binary=redis-server ;;
      etcd-server) binary=etcd ;;
      etcd-client) binary=etcdctl ;;
      *) echo "require_servers: unknown package $package" >&2; return 2 ;;
    esac
    command -v "$binary" >/dev/null || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  if ! command -v apt-get >/dev/null; then
    echo "Missing: ${missing[*]}. This machine has no apt-get: install them with its package manager, then run $0 again." >&2
    return 1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ${missing[*]} (apt-get)"
    bash -c "$install"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "Installing ${missing[*]} (sudo apt-get)"
    sudo bash -c "$install"
  else
    echo "Missing: ${missing[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "then run $0 again." >&2
    return 1
  fi
}
