#!/usr/bin/env bash
# Installs the Debian packages the tests need (PostgreSQL server, Chromium, Pango for PDFs),
# only when something is missing. Runs as root on the CI and developer machines.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)  # the report tests read the PDF's text
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
