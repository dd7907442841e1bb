#!/usr/bin/env bash
# Installs what the end-to-end tests need: Debian's Chromium (driven by playwright-core), ripgrep and
# libkrb5-dev, and code-server (VS Code served to a browser) from the npm registry, set up so that it runs
# without downloading anything else (see shared/E2E.md for the recipe).
#
# code-server goes into a cache folder outside the repo, ${KSTEP_E2E_CACHE:-$HOME/.cache/kstep-e2e}; a marker
# file there records a finished install, and the whole install is skipped when it names the same version and
# recipe. Safe to run again and again; a half-finished install is thrown away and done again.
#
# Environment: KSTEP_E2E_CACHE (cache folder), KSTEP_E2E_SKIP_APT=1 (don't touch Debian packages).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# Bump when the steps below change, so that caches made by an older script are redone.
RECIPE_REVISION=1
APT_PACKAGES=(chromium ripgrep libkrb5-dev)

CACHE_DIR="${KSTEP_E2E_CACHE:-$HOME/.cache/kstep-e2e}"
INSTALL_DIR="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
MARKER="$INSTALL_DIR/.kstep-e2e-complete"
MARKER_TEXT="code-server=$CODE_SERVER_VERSION recipe=$RECIPE_REVISION node=$(node -p 'process.versions.modules' 2>/dev/null || echo '?')"

START=$SECONDS
log() { printf '[e2e-setup +%ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '[e2e-setup] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'printf "[e2e-setup] ERROR: command failed (exit %s) at line %s: %s\n" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

# When run from `npm run`, npm exports its own settings (npm_config_local_prefix=<the repo> among them), which
# would send the nested installs below into the repo. Keep only the settings that say where and how to fetch.
while IFS= read -r var; do
  case "$var" in
    npm_config_cache | npm_config_userconfig | npm_config_globalconfig | npm_config_cafile | npm_config_nodedir | \
      npm_config_registry | npm_config_proxy | npm_config_https_proxy | npm_config_noproxy | npm_config_strict_ssl) ;;
    *) unset "$var" ;;
  esac
done < <(compgen -e | grep -i '^npm_' || true)
NPM=(npm --no-audit --no-fund --no-update-notifier --loglevel=warn)

command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"

# ---------------------------------------------------------------------------------------------- Debian packages
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if [ "${KSTEP_E2E_SKIP_APT:-}" = 1 ]; then
  log "KSTEP_E2E_SKIP_APT=1: not checking Debian packages"
elif ! command -v dpkg-query >/dev/null; then
  log "no dpkg here: not a Debian system, assuming ${APT_PACKAGES[*]} are provided otherwise"
else
  missing=()
  for p in "${APT_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    log "Debian packages already installed: ${APT_PACKAGES[*]}"
  else
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || die "need root (or sudo) to install Debian packages: ${missing[*]}"
      SUDO=(sudo -n)
    fi
    export DEBIAN_FRONTEND=noninteractive
    APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    log "apt-get update"
    "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -q </dev/null || die "apt-get update failed"
    log "apt-get install ${missing[*]} (takes a minute or two)"
    "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -q "${missing[@]}" </dev/null >"${TMPDIR:-/tmp}/kstep-e2e-apt.log" 2>&1 \
      || { tail -n 30 "${TMPDIR:-/tmp}/kstep-e2e-apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
    for p in "${missing[@]}"; do pkg_installed "$p" || die "Debian package $p is still not installed"; done
    log "Debian packages installed: ${missing[*]}"
  fi
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing (Debian package chromium)"
[ -x /usr/bin/rg ] || die "/usr/bin/rg is missing (Debian package ripgrep)"

# ---------------------------------------------------------------------------------------------- code-server
mkdir -p "$CACHE_DIR"
# One setup at a time per cache folder.
exec 9>"$CACHE_DIR/.lock"
if command -v flock >/dev/null; then
  flock -w 1800 9 || die "timed out waiting for another e2e-setup to finish (lock $CACHE_DIR/.lock)"
fi

CS_DIR="$INSTALL_DIR/node_modules/code-server"
ENTRY="$CS_DIR/out/node/entry.js"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$MARKER_TEXT" ] && [ -f "$ENTRY" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR (delete it to reinstall)"
  log "done"
  exit 0
fi

if [ -e "$INSTALL_DIR" ]; then
  log "removing an unfinished or outdated install in $INSTALL_DIR"
  rm -rf "$INSTALL_DIR"
fi
mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"

log "installing code-server@$CODE_SERVER_VERSION into $INSTALL_DIR (a few minutes)"
"${NPM[@]}" init -y >/dev/null
"${NPM[@]}" install --ignore-scripts "code-server@$CODE_SERVER_VERSION" \
  || die "npm install code-server@$CODE_SERVER_VERSION failed"
[ -f "$ENTRY" ] || die "code-server installed but $ENTRY is missing"

log "npm rebuild argon2"
"${NPM[@]}" rebuild argon2 || die "npm rebuild argon2 failed"

VSCODE_DIR="$CS_DIR/lib/vscode"
[ -f "$VSCODE_DIR/package.json" ] || die "$VSCODE_DIR/package.json is missing"
cd "$VSCODE_DIR"

log "lib/vscode: npm install --omit=dev --ignore-scripts"
"${NPM[@]}" install --omit=dev --ignore-scripts || die "npm install in lib/vscode failed"

log "lib/vscode: ripgrep from /usr/bin/rg"
mkdir -p node_modules/@vscode/ripgrep/bin
cp -f /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
chmod +x node_modules/@vscode/ripgrep/bin/rg

log "lib/vscode: npm rebuild node-pty @vscode/spdlog native-watchdog kerberos"
if ! "${NPM[@]}" rebuild node-pty @vscode/spdlog native-watchdog kerberos >"$INSTALL_DIR/rebuild.log" 2>&1; then
  # node-pty's post-install script may fail after pty.node is built; the binary is what matters.
  log "npm rebuild exited non-zero (expected: node-pty's post-install step fails here; log: $INSTALL_DIR/rebuild.log); checking the native modules"
fi
native_built() { find "node_modules/$1/build" -name '*.node' -print -quit 2>/dev/null | grep -q .; }
for mod in node-pty @vscode/spdlog native-watchdog kerberos; do
  if ! native_built "$mod"; then
    log "$mod was not built; rebuilding it alone"
    "${NPM[@]}" rebuild "$mod" >>"$INSTALL_DIR/rebuild.log" 2>&1 || true
  fi
  if ! native_built "$mod"; then
    tail -n 40 "$INSTALL_DIR/rebuild.log" >&2 || true
    die "native module $mod was not built (no build/**/*.node); see $INSTALL_DIR/rebuild.log (needs g++, make, python3, and libkrb5-dev for kerberos)"
  fi
done
[ -f node_modules/node-pty/build/Release/pty.node ] || die "node-pty's pty.node was not built; see $INSTALL_DIR/rebuild.log"

log "lib/vscode: loading the native modules"
node -e 'for (const m of ["node-pty", "@vscode/spdlog", "native-watchdog", "kerberos"]) require(m)' \
  || die "a native module built in lib/vscode does not load in $(node --version); see $INSTALL_DIR/rebuild.log"
(cd "$INSTALL_DIR" && node -e 'require("argon2")') || die "argon2 does not load in $(node --version)"

log "lib/vscode: symlinks (node_modules.asar, remote-cli, helpers)"
ln -sfn node_modules node_modules.asar
[ -d bin/remote-cli ] && [ -d bin/helpers ] || die "lib/vscode/bin/remote-cli or bin/helpers is missing"
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)

log "lib/vscode/extensions: npm install --omit=dev --ignore-scripts"
(cd extensions && "${NPM[@]}" install --omit=dev --ignore-scripts) || die "npm install in lib/vscode/extensions failed"

log "checking that code-server starts"
cd "$INSTALL_DIR"
version_out="$(node "$ENTRY" --config "$INSTALL_DIR/config.yaml" --version 2>&1)" || die "node $ENTRY --version failed: $version_out"
version_line="$(printf '%s\n' "$version_out" | grep -m1 -E "^${CODE_SERVER_VERSION//./\\.}( |$)" || true)"
[ -n "$version_line" ] || die "unexpected code-server --version output: $version_out"
log "code-server --version: $version_line"

echo "$MARKER_TEXT" >"$MARKER"
log "code-server $CODE_SERVER_VERSION installed in $INSTALL_DIR"
log "done"
