# Shell functions shared by scripts/prebuilds.sh, scripts/pack-smoke.sh, scripts/test-windows.sh and
# scripts/test-registry.sh (sourced, not run): checking for the tools a step needs, the private arm64 sysroot that
# runs an arm64 Node under qemu, and reading the glibc/libstdc++ symbol versions a binary needs. Callers set ROOT (the checkout) and TAG (their log prefix) first.

say() {
  echo "$TAG: $*"
}

die() {
  echo "$TAG: error: $*" >&2
  exit 1
}

# need COMMAND PACKAGE: stops with what to install unless COMMAND is on PATH (or is an executable path). The scripts
# install nothing themselves: scripts/setup.sh installs every Debian package CI uses.
need() {
  if [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; then return 0; fi
  die "missing $1: apt-get install $2 (or sh scripts/setup.sh)"
}

# The arm64 userland (Debian's Node.js and the libraries it links), run as
#   qemu-aarch64-static -L "$ARM64_SYSROOT" "$ARM64_SYSROOT/usr/bin/node" script.js
# and unpacked from .deb files into a folder of its own: `apt-get install nodejs:arm64` would replace the machine's
# own node, which has the same package name. Kept between runs; delete the folder to fetch it again.
ARM64_SYSROOT=${HNSWKIT_ARM64_SYSROOT:-$ROOT/.cache/arm64-sysroot}

ensure_arm64_sysroot() {
  if [ -f "$ARM64_SYSROOT/.complete" ] && [ -x "$ARM64_SYSROOT/usr/bin/node" ]; then
    return 0
  fi
  if [ ! -f /etc/debian_version ] || ! grep -qi '^ID=debian' /etc/os-release 2>/dev/null; then
    die "the arm64 sysroot is fetched from Debian's archive with this machine's apt sources; this is not Debian"
  fi
  say "fetching an arm64 Node.js and its libraries from Debian into $ARM64_SYSROOT"
  rm -rf "$ARM64_SYSROOT"
  apt_dir="$ARM64_SYSROOT/.apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
  # A private apt state (lists and cache) that knows only arm64: the machine's apt configuration and its package
  # lists stay as they are, and no foreign architecture is added to dpkg.
  set -- -q -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" \
    -o APT::Architecture=arm64 -o APT::Architectures::=arm64 -o APT::Sandbox::User=root
  apt-get "$@" update >/dev/null
  debs=$(apt-cache "$@" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances nodejs | grep -v '^ ' | grep -v '^<' | sort -u | tr '\n' ' ')
  # $debs is a list of package names: split on purpose.
  # shellcheck disable=SC2086
  (cd "$apt_dir/debs" && apt-get "$@" download $debs >/dev/null)
  for deb in "$apt_dir"/debs/*.deb; do
    dpkg-deb -x "$deb" "$ARM64_SYSROOT"
  done
  rm -rf "$apt_dir"
  [ -x "$ARM64_SYSROOT/usr/bin/node" ] || die "the arm64 sysroot has no usr/bin/node"
  touch "$ARM64_SYSROOT/.complete"
}

# Prints the highest GLIBC_ and GLIBCXX_ symbol versions a binary needs, e.g. "GLIBC_2.14 GLIBCXX_3.4.21".
# OBJDUMP may name another objdump (the host's reads every ELF architecture's dynamic symbols).
symbol_versions() {
  for family in GLIBC GLIBCXX CXXABI; do
    ${OBJDUMP:-objdump} -T "$1" | grep -o "${family}_[0-9][0-9.]*" | sort -t_ -k2 -V | tail -n 1
  done | tr '\n' ' ' | sed 's/ $//'
}

# version_gt A B: true if dotted version A is higher than B.
version_gt() {
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1)" = "$1" ]
}

# as_user PATH [NAME=VALUE...] COMMAND...: runs a command as a user would in a fresh shell: no npm_* variables
# inherited from an enclosing `npm run` (their npm_config_local_prefix would send a nested npm install to this
# checkout), PATH as given, and only the proxy and certificate settings passed through (plus the variables named in
# AS_USER_PASS), so npm reaches the registry as it does here. NAME=VALUE arguments add variables (env's syntax).
as_user() {
  user_path=$1
  shift
  # AS_USER_PASS is a list of names: split on purpose.
  # shellcheck disable=SC2086
  for var in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy NODE_EXTRA_CA_CERTS SSL_CERT_FILE \
    SSL_CERT_DIR ${AS_USER_PASS:-}; do
    value=$(printenv "$var" || true)
    if [ -n "$value" ]; then set -- "$var=$value" "$@"; fi
  done
  env -i HOME="$HOME" PATH="$user_path" TMPDIR="${TMPDIR:-/tmp}" LANG=C.UTF-8 NO_COLOR=1 "$@"
}
