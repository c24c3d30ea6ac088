#!/usr/bin/env bash
# Sets up sasac-check on a fresh Debian/Ubuntu machine: system packages the tests use, then the package.
# Usage: bash scripts/setup.sh        (as root, or with sudo available; system packages are skipped otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES="libreoffice-calc-nogui chromium poppler-utils fonts-noto-cjk"
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="skip"; fi
  fi
  if [ "$SUDO" = "skip" ]; then
    echo "提示：非 root 且无 sudo，跳过系统软件包（$SYSTEM_PACKAGES），相关测试将跳过。" >&2
  else
    missing=""
    for p in $SYSTEM_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    if [ -n "$missing" ]; then
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
    fi
  fi
fi

python3 -m pip install --quiet --upgrade pip
python3 -m pip install --quiet -e ".[all]"
echo "安装完成：sasac-check $(python3 -c 'import sasac_check; print(sasac_check.__version__)')"
