#!/usr/bin/env bash
# DataBuild bootstrapper (Nuke-style): finds the .NET SDK named by global.json, compiles build/ only when its
# sources changed (a content-hash stamp; an up-to-date `dotnet build` alone costs about a second), then runs the
# pipeline program with all arguments, in the caller's working directory (state goes to ./.databuild).
# The program is published self-contained, trimmed and precompiled with its framework as one image, since a build that
# finds everything up to date is mostly start-up (build/Build.csproj; bench/README.md, rounds 2 and 7).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$root/build/bin/publish"  # not bin/Release: `dotnet build`/`dotnet test` of the solution write there, without ReadyToRun
exe="$bin/databuild"
stamp="$root/build/obj/.databuild-stamp"

find_dotnet() {
  local candidate
  for candidate in "${DOTNET_ROOT:-}/dotnet" "$(command -v dotnet 2>/dev/null || true)" "$HOME/.dotnet/dotnet" /usr/share/dotnet/dotnet /usr/lib/dotnet/dotnet; do
    [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

sources_hash() {
  # Every input of the build/ program: sources and project files of build/ and the libraries it references, and this
  # script (it says how the program is compiled).
  (cd "$root" && find build targets tasks products -type f \( -name '*.cs' -o -name '*.csproj' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' 2>/dev/null | LC_ALL=C sort | xargs cat -- global.json Directory.Build.props build.sh | sha256sum | cut -d' ' -f1)
}

instruction_set() {
  # Precompile for x86-64-v3 (AVX2, BMI1/2, FMA, LZCNT, MOVBE) when the compiling machine has it (build/Build.csproj).
  [[ "$(uname -m)" == x86_64 ]] || return 0
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for f in avx2 bmi1 bmi2 fma abm movbe; do [[ "$flags" == *" $f "* ]] || return 0; done
  echo "-p:DataBuildInstructionSet=x86-64-v3"
}

# DATABUILD_COMPILE=quick compiles for the shared runtime instead: about half the compile time (~25 s against ~45 s
# here), for a session of editing pipeline code; each no-op then starts ~10 ms slower. Unset, the program is compiled
# for start-up (build/Build.csproj). Switching recompiles.
compile="${DATABUILD_COMPILE:-startup}"
case "$compile" in
  startup|quick) ;;
  *) echo "error: DATABUILD_COMPILE='$compile' is not a compile mode; use 'startup' (the default) or 'quick'." >&2; exit 2 ;;
esac

current="$(sources_hash) $compile"
if [[ ! -x "$exe" || ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
  dotnet="$(find_dotnet)" || {
    want="$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$root/global.json")"
    echo "error: the .NET SDK is not installed (DataBuild needs SDK $want or a later 10.0.x, see global.json)." >&2
    echo "Install it, e.g. 'apt-get install dotnet-sdk-10.0' or the dotnet-install script, or set DOTNET_ROOT." >&2
    exit 2
  }
  if ! (cd "$root" && "$dotnet" --version >/dev/null 2>&1); then
    echo "error: $dotnet has no SDK matching $root/global.json:" >&2
    (cd "$root" && "$dotnet" --version 2>&1 | sed 's/^/  /' >&2) || true
    echo "Installed SDKs: $("$dotnet" --list-sdks | tr '\n' ' ')" >&2
    exit 2
  fi
  mkdir -p "$(dirname "$stamp")"
  (
    flock 9  # two build.sh started at once must not compile over each other
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
      echo "Compiling the pipeline program (build/) ..." >&2
      log="$(mktemp)"
      case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64|arm64) rid=linux-arm64 ;; *) rid="" ;; esac
      next="$bin.new.$$"  # published beside the current program and swapped in whole, never over it
      variant="$root/build/obj/.databuild-publish-variant"
      publish() {
        rm -rf "$next"
        # ReadyToRun images of another variant are not reused: a composite image's component assemblies load only
        # beside that image, and a program published from them aborts at start.
        if [[ "$(cat "$variant" 2>/dev/null)" != "$*" ]]; then rm -rf "$root"/build/obj/Release/net10.0/*/R2R; fi
        echo "$*" > "$variant"
        "$dotnet" publish "$root/build/Build.csproj" -c Release -o "$next" --nologo -v quiet -clp:NoSummary "$@" >"$log" 2>&1 || return 1
        # A program that does not start never replaces one that does.
        "$next/databuild" --version >>"$log" 2>&1 || { echo "error: the program published with '$*' does not start (exit $?)." >>"$log"; return 1; }
      }
      fail() {
        if grep -q ' error CS' "$log"; then
          # The compiler's errors, as paths relative to the repository: build/Pipelines.X.cs(12,5): error CS0103: ...
          grep ' error CS' "$log" | sed -e "s|^ *$root/||" -e 's| \[[^]]*\]$||' | awk '!seen[$0]++' >&2
          echo "error: build/ does not compile; fix the errors above and rerun. Nothing was run." >&2
        else
          cat "$log" >&2
          echo "error: no working pipeline program could be published (above); ${bin#$root/} is left as it was." >&2
        fi
        rm -f "$log"; rm -rf "$next"
        exit 2
      }
      # Self-contained, trimmed and precompiled as one image (build/Build.csproj explains why); then, where that cannot be
      # had (no runtime pack in an offline NuGet cache), precompiled on the shared runtime; then plain IL, slower to start.
      # DATABUILD_COMPILE=quick starts at the second.
      why=""
      if [[ "$compile" == startup && -n "$rid" ]] && publish -r "$rid" -p:DataBuildStartup=composite $(instruction_set); then
        :
      elif grep -q ' error CS' "$log"; then
        fail  # the code does not compile: no fallback will
      elif why="$(grep -m1 -i 'error' "$log" | sed 's/^ *//' | cut -c1-200)"; [[ -n "$rid" ]] && publish -r "$rid" --self-contained false -p:PublishReadyToRun=true; then
        [[ "$compile" == quick ]] \
          || echo "note: compiled for the shared .NET runtime, not self-contained (${why:-see 'dotnet publish build/Build.csproj -r $rid -p:DataBuildStartup=composite'}); a no-op build starts ~10 ms slower. To try again: rm build/obj/.databuild-stamp" >&2
      elif ! grep -q ' error CS' "$log" && publish --self-contained false; then
        echo "note: compiled without ReadyToRun (${rid:-unknown platform $(uname -m)}); start-up is slower." >&2
      else
        fail
      fi
      rm -f "$log"
      rm -rf "$bin.old"
      if [[ -d "$bin" ]]; then mv "$bin" "$bin.old"; fi
      mv "$next" "$bin"
      rm -rf "$bin.old"
      echo "$current" > "$stamp"
    fi
  ) 9>"$root/build/obj/.databuild-compile.lock"
fi
exec "$exe" "$@"
