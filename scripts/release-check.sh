#!/usr/bin/env bash
# What CI proves about packaging (run by scripts/test.sh, or make release-check):
#   1. `goreleaser check` accepts .goreleaser.yml;
#   2. a snapshot release of linux/amd64, darwin/arm64 and windows/amd64 (the
#      same config with its targets narrowed, so CI does not cross-compile all six)
#      produces archives, deb, rpm, checksums and the Homebrew cask;
#   3. the archives and the deb hold what users need (the ctl binary,
#      LICENSE, README, man pages, completions), and ctl installed from
#      them runs: --version, and a command's help.
set -euo pipefail
cd "$(dirname "$0")/.."

goreleaser=$(scripts/tools.sh goreleaser)
"$goreleaser" check --quiet .goreleaser.yml
echo "release: goreleaser check: .goreleaser.yml is valid"

work=$(mktemp -d /tmp/ctl-release.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The same configuration, two targets, and without -trimpath so that the
# linux build reuses the compile cache of the tests' own builds.
sed -e 's/^    goos: &goos .*$/    targets: \&targets [linux_amd64_v1, darwin_arm64_v8.0, windows_amd64_v1]/' \
    -e '/^      - -trimpath$/d' \
    -e '/^    goarch: &goarch/d' -e 's/^    goos: \*goos$/    targets: *targets/' -e '/^    goarch: \*goarch$/d' \
    .goreleaser.yml >"$work/goreleaser.yml"
grep -q 'targets: &targets' "$work/goreleaser.yml" && ! grep -q '^    goos:' "$work/goreleaser.yml" ||
  { echo "release: could not narrow the targets" >&2; exit 1; }
"$goreleaser" release --snapshot --clean --config "$work/goreleaser.yml" >"$work/goreleaser.log" 2>&1 ||
  { tail -n 40 "$work/goreleaser.log"; exit 1; }
echo "release: snapshot built ($(ls dist/*.tar.gz dist/*.deb dist/*.rpm 2>/dev/null | wc -l) archives and packages)"

fail=0
need() { # need LISTING NAME...: every NAME is in the listing
  local listing=$1; shift
  for n in "$@"; do
    grep -qE "(^|/)$n\$" <<<"$listing" || { echo "release: $n missing from $where" >&2; fail=1; }
  done
}
for a in linux_amd64 darwin_arm64; do
  f=$(ls dist/ctl_*_"$a".tar.gz)
  where=$f
  need "$(tar tzf "$f")" ctl LICENSE README.md 'docs/man/ctl.1' 'docs/man/ctl-shell.1' 'completions/ctl.bash' 'completions/_ctl' 'completions/ctl.fish'
done

f=$(ls dist/ctl_*_windows_amd64.zip)
where=$f
need "$(/usr/bin/python3 -m zipfile -l "$f" | awk 'NR>1 {print $1}')" 'ctl\.exe' LICENSE 'docs/man/ctl.1' 'completions/ctl.bash'

# Install from the linux archive and run it.
mkdir -p "$work/archive"
tar xzf dist/ctl_*_linux_amd64.tar.gz -C "$work/archive"
"$work/archive/ctl" --version | grep -q '^ctl version' || { echo "release: ctl --version failed from the archive" >&2; fail=1; }
PATH=/usr/bin:/bin "$work/archive/ctl" sessions --help | grep -q 'ctl sessions' ||
  { echo "release: ctl sessions --help failed from the archive" >&2; fail=1; }

# The deb: its files, and ctl from an unpacked tree.
deb=$(ls dist/*.deb | grep amd64)
where=$deb
need "$(dpkg-deb -c "$deb" | awk '{print $NF}')" usr/bin/ctl 'usr/share/man/man1/ctl.1(.gz)?' \
  usr/share/bash-completion/completions/ctl usr/share/zsh/vendor-completions/_ctl usr/share/doc/ctl/copyright
dpkg-deb -x "$deb" "$work/deb"
"$work/deb/usr/bin/ctl" --version | grep -q '^ctl version' || { echo "release: ctl --version failed from the deb" >&2; fail=1; }
PATH=/usr/bin:/bin "$work/deb/usr/bin/ctl" dbshell --help | grep -q 'ctl dbshell' ||
  { echo "release: ctl dbshell --help failed from the deb" >&2; fail=1; }

# The rpm and the cask: present and naming the binary.
rpm=$(ls dist/*.rpm | grep -E 'x86_64|amd64')
where=$rpm
if command -v rpm >/dev/null; then
  need "$(rpm -qlp "$rpm" 2>/dev/null)" usr/bin/ctl
fi
cask=dist/homebrew/Casks/ctl.rb
where=$cask
[ -f "$cask" ] || { echo "release: no Homebrew cask at $cask" >&2; fail=1; }
grep -q 'binary "ctl"' "$cask" || { echo "release: the cask does not install ctl" >&2; fail=1; }
grep -q 'ctl-full' "$cask" && { echo "release: the cask still names ctl-full" >&2; fail=1; }
grep -q 'dist/checksums.txt' <<<"$(ls dist/checksums.txt)" || fail=1

[ "$fail" -eq 0 ] && echo "release: archives, deb, rpm and cask hold ctl, docs and completions; installed ctl runs"
exit "$fail"
