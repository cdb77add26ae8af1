#!/usr/bin/env bash
# Installs the system tools the test suite drives and that npm cannot provide:
#   - neovim (Debian package; 0.7+ has the built-in LSP client used by tests/lsp/nvim.test.ts).
# Idempotent: does nothing when the tools are there. Needs root (CI runs as root) when they are not.
set -euo pipefail

if command -v nvim >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-test-tools: nvim is missing and installing it needs root: sudo apt-get install -y neovim" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq neovim >/dev/null
nvim --version | head -n 1
