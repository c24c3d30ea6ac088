#!/usr/bin/env bash
# Sets up sasac-check from this checkout: the system packages the tests use, a project virtual environment
# .venv with the package and all extras (editable), and the `sasac-check` command linked into a folder on PATH.
# Usage: bash scripts/setup.sh   (as root, or with sudo; without either the system packages are skipped)
#   PYTHON=python3.12 bash scripts/setup.sh   chooses the interpreter the environment is made from (>= 3.11)
#   SASAC_CHECK_BIN=DIR                       links the command into DIR instead of the default below
# A virtual environment works alike on a distribution whose python3 is "externally managed" (PEP 668, Debian 12,
# Ubuntu 24.04: pip refuses to install into it) and on pyenv / CI interpreters, and never touches either.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
PYTHON="${PYTHON:-python3}"

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="skip"; fi
fi

# --- system packages (Debian / Ubuntu) --------------------------------------------------------------------
SYSTEM_PACKAGES="libreoffice-calc-nogui chromium poppler-utils fonts-noto-cjk"
# The distribution's python3 makes virtual environments only with python3-venv (it carries ensurepip).
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  SYSTEM_PACKAGES="$SYSTEM_PACKAGES python3 python3-venv"
elif ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  SYSTEM_PACKAGES="$SYSTEM_PACKAGES python3-venv"
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$SUDO" = "skip" ]; then
    echo "提示：非 root 且无 sudo，跳过系统软件包（$SYSTEM_PACKAGES），相关测试将跳过。" >&2
  else
    missing=""
    for p in $SYSTEM_PACKAGES; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
      echo "安装系统软件包：$missing" >&2
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
    fi
  fi
fi

# --- Python and the project environment ----------------------------------------------------------------------
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "错误：找不到 $PYTHON。请安装 Python 3.11 或更高版本（Debian/Ubuntu：apt-get install python3 python3-venv）。" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "错误：$PYTHON 是 Python $("$PYTHON" -c 'import platform; print(platform.python_version())')，sasac-check 需要 3.11 或更高版本；可用 PYTHON=python3.12 bash scripts/setup.sh 指定。" >&2
  exit 1
fi
if ! "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1; then
  echo "错误：$PYTHON 无法创建虚拟环境（缺少 ensurepip）。请先安装 python3-venv：sudo apt-get install python3-venv" >&2
  exit 1
fi
VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[all]"

# --- the command on PATH -------------------------------------------------------------------------------------
# root (or sudo): /usr/local/bin, on every user's PATH; otherwise ~/.local/bin, which Debian's and Ubuntu's
# ~/.profile put on PATH for new login shells once the folder exists.
if [ -n "${SASAC_CHECK_BIN:-}" ]; then
  BIN="$SASAC_CHECK_BIN"; LINK=""
elif [ "$SUDO" != "skip" ]; then
  BIN="/usr/local/bin"; LINK="$SUDO"
else
  BIN="$HOME/.local/bin"; LINK=""
fi
$LINK mkdir -p "$BIN"
$LINK ln -sfn "$VENV/bin/sasac-check" "$BIN/sasac-check"

VERSION="$("$VENV/bin/sasac-check" --version)"
echo "安装完成：$VERSION"
echo "  环境：$VENV（Python $("$VENV/bin/python" -c 'import platform; print(platform.python_version())')，可编辑安装，含全部可选功能）"
echo "  命令：$BIN/sasac-check -> $VENV/bin/sasac-check"
echo "  测试：.venv/bin/python -m pytest -n 2 -q"
case ":$PATH:" in
  *":$BIN:"*) ;;
  *) echo "提示：$BIN 不在当前 PATH 中。请重新登录，或执行：export PATH=\"$BIN:\$PATH\"（可写入 ~/.bashrc）" >&2 ;;
esac
found="$(command -v sasac-check || true)"
if [ -n "$found" ] && [ "$(readlink -f "$found")" != "$(readlink -f "$VENV/bin/sasac-check")" ]; then
  echo "提示：PATH 中先找到的是 $found（另一份安装），而不是本项目环境中的 sasac-check。" >&2
fi
