#!/bin/sh
# Everything `make demo` and `make test` need on a fresh Debian or macOS machine with Python >= 3.11
# and make: uv, the locked Python dependencies (with ICU to build PyICU), and Graphviz's `dot`; with --tests (for `make
# test`) also PostgreSQL's server (the store tests start a throwaway one) and headless Chromium with
# its driver (the timeline page's end-to-end test). Safe to run again.
set -eu
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }
stop() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# 1. uv
if ! scripts/uv --version >/dev/null 2>&1; then
  say "installing uv (python3 -m pip install --user uv)"
  python3 -m pip install --user --quiet uv 2>/dev/null \
    || python3 -m pip install --user --quiet --break-system-packages uv 2>/dev/null \
    || { command -v curl >/dev/null 2>&1 && curl -LsSf https://astral.sh/uv/install.sh | sh; } \
    || stop "could not install uv; run: python3 -m pip install --user uv   (then make again)"
  scripts/uv --version >/dev/null 2>&1 || stop "uv installed but not found; add ~/.local/bin to PATH and make again"
fi

# 2. Python dependencies, exactly as locked. FollowTheMoney's text library needs PyICU, published as
# source only: building it once needs ICU's headers, pkg-config and a C++ compiler.
if ! scripts/uv run --locked --quiet --no-sync python -c "import icu" >/dev/null 2>&1; then
  if command -v brew >/dev/null 2>&1 && [ "$(uname)" = Darwin ]; then
    brew list icu4c >/dev/null 2>&1 && command -v pkg-config >/dev/null 2>&1 || {
      say "installing ICU for PyICU (brew install icu4c pkg-config)"
      brew install icu4c pkg-config || stop "could not install ICU; run: brew install icu4c pkg-config"
    }
    ICU="$(brew --prefix icu4c)"
    PATH="$ICU/bin:$ICU/sbin:$PATH"; PKG_CONFIG_PATH="$ICU/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    export PATH PKG_CONFIG_PATH
  elif ! { pkg-config --exists icu-i18n 2>/dev/null && command -v c++ >/dev/null 2>&1; }; then
    if command -v apt-get >/dev/null 2>&1; then
      if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        stop "ICU's headers are missing; run as root: apt-get install -y libicu-dev pkg-config g++"; fi
      say "installing ICU for PyICU ($SUDO apt-get install libicu-dev pkg-config g++)"
      { $SUDO apt-get update -qq >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; } \
        || stop "could not install ICU; run: sudo apt-get install -y libicu-dev pkg-config g++"
    else
      stop "ICU's headers, pkg-config and a C++ compiler are needed to build PyICU; install them, then make again"
    fi
  fi
fi
scripts/uv sync --locked --quiet

# 3. Graphviz's dot
if ! command -v dot >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      stop "Graphviz is missing; run as root: apt-get install -y graphviz"; fi
    say "installing Graphviz ($SUDO apt-get install graphviz)"
    $SUDO apt-get update -qq >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null \
      || stop "could not install Graphviz; run: sudo apt-get install -y graphviz"
  elif command -v brew >/dev/null 2>&1; then
    say "installing Graphviz (brew install graphviz)"
    brew install graphviz || stop "could not install Graphviz; run: brew install graphviz"
  else
    stop "Graphviz is missing; install it (Debian: sudo apt-get install graphviz, macOS: brew install graphviz)"
  fi
fi

# 4. A Japanese font, so `--lang ja` PNG/PDF pictures show kana and kanji (best effort: SVGs need none)
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja family 2>/dev/null)" ] && command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else SUDO="none"; fi
  if [ "$SUDO" != none ]; then
    say "installing a Japanese font ($SUDO apt-get install fonts-ipafont-gothic)"
    { $SUDO apt-get update -qq >/dev/null 2>&1; $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipafont-gothic >/dev/null 2>&1; } \
      || say "could not install fonts-ipafont-gothic: Japanese names in PNGs may show as boxes"
  fi
fi

# 5. With --tests (for `make test`): PostgreSQL's server binaries, for the store tests
pg_found() {
  command -v initdb >/dev/null 2>&1 || [ -x /usr/local/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if [ "${1:-}" = "--tests" ] && ! pg_found; then
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      stop "PostgreSQL is missing; run as root: apt-get install -y postgresql"; fi
    say "installing PostgreSQL for the store tests ($SUDO apt-get install postgresql)"
    { $SUDO apt-get update -qq >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } \
      || stop "could not install PostgreSQL; run: sudo apt-get install -y postgresql"
  elif command -v brew >/dev/null 2>&1; then
    brew install postgresql@15 || stop "could not install PostgreSQL; run: brew install postgresql@15"
  else
    stop "PostgreSQL is missing; install it (Debian: apt-get install postgresql), then make test again"
  fi
fi

# 6. With --tests: Chromium and chromedriver for the timeline's browser test
if [ "${1:-}" = "--tests" ] && ! { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }; then
  if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      stop "Chromium is missing; run as root: apt-get install -y chromium chromium-driver"; fi
    say "installing Chromium for the browser test ($SUDO apt-get install chromium chromium-driver)"
    { $SUDO apt-get update -qq >/dev/null && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } \
      || stop "could not install Chromium; run: sudo apt-get install -y chromium chromium-driver"
  elif command -v brew >/dev/null 2>&1; then
    [ -d /Applications/Chromium.app ] || [ -d "/Applications/Google Chrome.app" ] || brew install --cask chromium \
      || stop "could not install Chromium; run: brew install --cask chromium"
    command -v chromedriver >/dev/null 2>&1 || brew install --cask chromedriver \
      || stop "could not install chromedriver; run: brew install --cask chromedriver"
  else
    stop "Chromium is missing; install chromium and chromedriver, then make test again"
  fi
fi
