#!/usr/bin/env bash
# Builds slipstream (release) and installs it with its man pages and shell completions.
#   scripts/install.sh [PREFIX]        (default /usr/local; PREFIX=~/.local needs no root)
# Installs PREFIX/bin/slipstream, PREFIX/share/man/man1/slipstream*.1 (`man slipstream`), and
# completions for bash, zsh and fish under PREFIX/share (loaded by each shell's default set-up).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
scripts/ensure-deps.sh
swift build -c release --product slipstream >&2
bin=.build/release/slipstream
install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 755 "$bin" "$prefix/bin/slipstream"
# swift-argument-parser writes one man page per command from the same help the CLI prints.
swift package plugin generate-manual --multi-page >&2
install -m 644 .build/plugins/GenerateManual/outputs/SlipstreamCLI/*.1 "$prefix/share/man/man1/"
"$bin" --generate-completion-script bash > "$prefix/share/bash-completion/completions/slipstream"
"$bin" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_slipstream"
"$bin" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/slipstream.fish"
echo "installed $prefix/bin/slipstream, its man pages and bash, zsh and fish completions" >&2
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on your PATH" >&2 ;; esac
