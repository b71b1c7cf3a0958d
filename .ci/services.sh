#!/usr/bin/env bash
# Services the infrastructure tests and integrations need (called by .ci/run):
#  - Debian's mosquitto, started on 127.0.0.1:1883 in the background (the tests also
#    start private brokers on free loopback ports with the same binary);
#  - socat, which makes the pseudo-terminals of `lorakit modem --pty`.
# Idempotent: installs only what is missing, starts mosquitto only if 1883 is free.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null 2>&1 || need+=(socat)
if [ "${#need[@]}" -gt 0 ]; then
  echo "== services: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Debian installs the broker in /usr/sbin, which is not on every user's PATH
MOSQUITTO="$(command -v mosquitto || echo /usr/sbin/mosquitto)"

listening() { (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; }

if listening; then
  echo "== services: an MQTT broker already listens on 127.0.0.1:1883"
else
  conf="${TMPDIR:-/tmp}/lorakit-mosquitto.conf"
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n' > "$conf"
  chmod 644 "$conf"
  "$MOSQUITTO" -c "$conf" -d
  for _ in $(seq 1 50); do
    if listening; then break; fi
    sleep 0.1
  done
  if ! listening; then echo "services: mosquitto did not start on 127.0.0.1:1883" >&2; exit 1; fi
  echo "== services: mosquitto $("$MOSQUITTO" -h 2>/dev/null | head -1 | awk '{print $3}') on 127.0.0.1:1883"
fi
