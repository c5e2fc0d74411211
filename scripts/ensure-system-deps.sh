#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real, if they are missing:
#   chromium                      end-to-end tests of the renderer and the host's WebSocket bridge
#   kamailio, kamailio-websocket-modules   the SIP registrar/proxy the phone tests call through
#   rtpengine-daemon, baresip-core, sip-tester   the interop rig (test/phone/interop.test.ts): media
#                                 bridging WebRTC to plain RTP, a desk phone, a carrier trunk (SIPp)
#   iproute2, iptables            `ip` for the loopback-only namespaces; iptables drops UDP in the
#                                 namespace to degrade or cut the media (this kernel has no netem)
#   postgresql                    the API suite's second store (a throwaway cluster per run)
#   haproxy                       the load balancer in front of several API instances (test/cluster,
#                                 npm run cluster)
#   python3 (3.9+)                the Python SDK's tests (test/sdk/python-sdk.test.ts); installed only
#                                 when no python3 is on PATH (a pyenv or system one is fine)
# Run by `npm test` (pretest). It never skips silently: if a package cannot be installed the run
# stops here with the reason, because a test suite that quietly ran without its browser proves
# nothing.
set -euo pipefail

PACKAGES=(chromium kamailio kamailio-websocket-modules rtpengine-daemon baresip-core sip-tester iproute2 iptables postgresql haproxy)

fail() {
  echo "ensure-system-deps: $*" >&2
  exit 1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

# The Python SDK's tests run whatever `python3` is on PATH; Debian's only when there is none.
command -v python3 >/dev/null || missing+=(python3)

if ((${#missing[@]} > 0)); then
  echo "ensure-system-deps: installing ${missing[*]}"
  command -v apt-get >/dev/null || fail "apt-get not found: install ${missing[*]} by hand (Debian packages)."
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || fail "not root and no sudo: run 'apt-get install -y ${missing[*]}' as root."
    SUDO=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Another process (a parallel run, unattended upgrades) may hold the dpkg lock: wait for it.
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq || fail "'apt-get update' failed: cannot install ${missing[*]}."
  "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    fail "'apt-get install ${missing[*]}' failed."
fi

# The tests launch /usr/bin/chromium by path: prove it starts, not only that dpkg knows it.
# (Debian's wrapper script prints a harmless shell warning on stderr, so keep stderr for failures.)
err=$(mktemp)
trap 'rm -f "$err"' EXIT
version=$(/usr/bin/chromium --version 2>"$err") || fail "/usr/bin/chromium does not run: $(cat "$err")"
echo "ensure-system-deps: $version"
command -v kamailio >/dev/null || [[ -x /usr/sbin/kamailio ]] || fail "kamailio is installed but not found on PATH or /usr/sbin."
echo "ensure-system-deps: $(/usr/sbin/kamailio -v 2>/dev/null | head -1 || echo kamailio present)"
for bin in /usr/bin/rtpengine /usr/bin/baresip /usr/bin/sipp /usr/sbin/iptables /usr/sbin/haproxy; do
  [[ -x $bin ]] || fail "$bin is missing although its package is installed."
done
echo "ensure-system-deps: $(/usr/bin/rtpengine --version 2>&1 | head -1), baresip, $(/usr/bin/sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1)"
# The postgres test project runs initdb and postgres from Debian's versioned directory (15+).
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n "$pgbin" && -x "$pgbin/initdb" && -x "$pgbin/postgres" ]] || fail "postgresql is installed but initdb/postgres are not under /usr/lib/postgresql/*/bin."
echo "ensure-system-deps: $("$pgbin/postgres" --version)"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' ||
  fail "python3 is $(python3 --version 2>&1): the Python SDK's tests need 3.9 or later."
echo "ensure-system-deps: $(python3 --version 2>&1)"
