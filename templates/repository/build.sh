#!/usr/bin/env bash
# Builds this repository's data products with DataBuild: compiles the pipelines (build/) when a file there changed,
# then runs them with all arguments, in the caller's working directory (state goes to ./.databuild).
# Written by DataBuild's `./build.sh setup`; the engine is a package (build/Build.csproj, nuget.config).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$root/build/bin/program"
stamp="$root/build/obj/.databuild-stamp"

find_dotnet() {
  local candidate
  for candidate in "${DOTNET_ROOT:-}/dotnet" "$(command -v dotnet 2>/dev/null || true)" "$HOME/.dotnet/dotnet" /usr/share/dotnet/dotnet /usr/lib/dotnet/dotnet; do
    [[ -n "$candidate" && -x "$candidate" ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

inputs_hash() {
  # Everything the program is compiled from: build/'s sources and project files, the package sources, the engine's
  # packages at hand, the SDK's version file and this script.
  (cd "$root" && { find build -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' \) \
      -not -path 'build/bin/*' -not -path 'build/obj/*' | LC_ALL=C sort | xargs cat -- build.sh nuget.config $(ls global.json 2>/dev/null);
    ls -l .databuild-feed 2>/dev/null; } | sha256sum | cut -d' ' -f1)
}

dotnet="$(find_dotnet)" || {
  echo "error: the .NET SDK is not installed (DataBuild needs SDK 10.0). Install it, e.g. 'apt-get install dotnet-sdk-10.0', or set DOTNET_ROOT." >&2
  exit 2
}
current="$(inputs_hash)"
if [[ ! -f "$bin/Pipelines.dll" || ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
  mkdir -p "$(dirname "$stamp")"
  (
    flock 9  # two build.sh started at once must not compile over each other
    rm -rf "$bin".new.*  # what an interrupted compile left
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
      echo "Compiling the pipelines (build/) ..." >&2
      log="$(mktemp)"
      out="$root/build/obj/out"  # compiled here, incrementally, then copied beside the current program and swapped in whole
      next="$bin.new.$$"
      # The compiler server stays up after a compile: it must not inherit the lock (9>&-).
      if ! (cd "$root" && "$dotnet" build build/Build.csproj -c Release -o "$out" --nologo -v quiet -clp:NoSummary) >"$log" 2>&1 9>&-; then
        if grep -q ' error CS' "$log"; then
          # The compiler's errors, as paths relative to the repository: build/Pipelines.cs(12,5): error CS0103: ...
          grep ' error CS' "$log" | sed -e "s|^ *$root/||" -e 's| \[[^]]*\]$||' | awk '!seen[$0]++' >&2
          echo "error: build/ does not compile; fix the errors above and rerun. Nothing was run." >&2
        else
          cat "$log" >&2
          echo "error: build/ could not be compiled (above); the last program compiled is left as it was." >&2
        fi
        rm -f "$log"
        exit 2
      fi
      rm -rf "$next" && mkdir -p "$(dirname "$bin")"
      cp -r "$out" "$next"
      # A program that does not start never replaces one that does.
      if ! "$dotnet" "$next/Pipelines.dll" --version >"$log" 2>&1; then
        cat "$log" >&2
        echo "error: the compiled pipelines do not start (above); the last program compiled is left as it was." >&2
        rm -rf "$next" "$log"
        exit 2
      fi
      rm -f "$log"
      if [[ -d "$bin" ]]; then rm -rf "$bin.old" && mv "$bin" "$bin.old"; fi
      mv "$next" "$bin"
      rm -rf "$bin.old"
      echo "$current" > "$stamp"
    fi
  ) 9>"$root/build/obj/.databuild-compile.lock"
fi
exec "$dotnet" "$bin/Pipelines.dll" "$@"
