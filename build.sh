#!/usr/bin/env bash
# DataBuild bootstrapper (Nuke-style): finds the .NET SDK named by global.json, compiles what changed (content-hash
# stamps), then runs the program with all arguments, in the caller's working directory (state goes to ./.databuild).
# Two parts are compiled apart: the engine (targets/, products/, tasks/, the project files), published once as the
# program build/bin/publish/databuild (build/Host/Host.csproj: self-contained, trimmed and precompiled with its framework
# as one image, since a build that finds everything up to date is mostly start-up; bench/README.md, rounds 2 and 7;
# a run that would wait for that publish runs a plainly compiled program instead and publishes in the background),
# and the pipelines (build/**/*.cs), which an edit recompiles alone with the C# compiler in a few seconds
# (DataBuild.Pipelines.dll beside the program; bench/README.md, "Compiling pipelines").
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

need_dotnet() {
  # The dotnet with an SDK that global.json accepts (printed), or a message saying what to install.
  local dotnet want
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
  echo "$dotnet"
}

engine_hash() {
  # Every input of the engine's program: the libraries' sources and project files, the project files of build/, and this
  # script (it says how the program is compiled).
  (cd "$root" && find targets tasks products build/Host -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' 2>/dev/null | LC_ALL=C sort | xargs cat -- global.json Directory.Build.props build.sh build/*.csproj | sha256sum | cut -d' ' -f1)
}

pipelines_sources() {
  # The pipelines' C# files, relative to build/: Pipelines.*.cs, Products/, Program.cs, and any other (not the host's).
  (cd "$root/build" && find . -type f -name '*.cs' -not -path './bin/*' -not -path './obj/*' -not -path './Host/*' -not -path './Native/*' | LC_ALL=C sort)
}

runtime_id() {
  # The .NET runtime identifier of this machine (linux-x64, linux-arm64), or nothing where none is published.
  case "$(uname -m)" in x86_64) echo linux-x64 ;; aarch64|arm64) echo linux-arm64 ;; esac
}

instruction_set() {
  # Precompile for x86-64-v3 (AVX2, BMI1/2, FMA, LZCNT, MOVBE) when the compiling machine has it (build/Build.csproj).
  # LZCNT ("abm") is not asked of /proc/cpuinfo: some hypervisors (Firecracker) leave the flag out while the CPU has it,
  # and every CPU with AVX2 and BMI2 has it; the runtime checks the image against CPUID itself.
  [[ "$(uname -m)" == x86_64 ]] || return 0
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  for f in avx2 bmi1 bmi2 fma movbe; do [[ "$flags" == *" $f "* ]] || return 0; done
  echo "-p:DataBuildInstructionSet=x86-64-v3"
}

# ./build.sh setup <dir>: DataBuild in another repository (README.md, "DataBuild in your own repository"). The engine's libraries are packed as NuGet
# packages (DataBuild.Targets, DataBuild.Slurm, DataBuild.Products, DataBuild.Reporting) into <dir>/.databuild-feed, which <dir>/nuget.config
# names by a relative path, so the repository can be moved or cloned; it gets its own build.sh and a build/ with one example
# target (templates/repository/). Run again on a repository set up before, it adds this engine's version to its feed only.
packed_paths=(targets/DataBuild.Targets targets/DataBuild.Slurm targets/DataBuild.Generators targets/DataBuild.Reporting products Directory.Build.props global.json)

engine_version() {
  # 0.1.N, N the number of commits that changed the packed libraries; a checkout with uncommitted changes to them (or none
  # of git's) adds a hash of their sources, so that different contents never share a version in NuGet's package cache.
  local count dirty
  count="$(git -C "$root" rev-list --count HEAD -- "${packed_paths[@]}" 2>/dev/null)" || count=0
  dirty="$(git -C "$root" status --porcelain -- "${packed_paths[@]}" 2>/dev/null || echo none)"
  if [[ "$count" != 0 && -z "$dirty" ]]; then echo "0.1.$count"; return; fi
  echo "0.1.$count-local.$(cd "$root" && find "${packed_paths[@]}" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' | LC_ALL=C sort | xargs cat -- | sha256sum | cut -c1-12)"
}

pack_engine() {
  # The engine's packages of version $2, packed once into build/obj/packages/<version>/ (printed).
  local dotnet="$1" version="$2" feed="$root/build/obj/packages/$2"
  mkdir -p "$root/build/obj"
  (
    flock 9  # two setups at once pack once
    [[ -f "$feed/.complete" ]] && exit 0
    echo "Packing the DataBuild engine $version (targets/, products/) ..." >&2
    local log artifacts="$root/build/obj/pack" generator
    log="$(mktemp)"
    rm -rf "$feed.new" && mkdir -p "$feed.new"
    generator="$artifacts/bin/DataBuild.Generators/release/DataBuild.Generators.dll"
    # Its own bin/ and obj/ (artifacts), so that the version stamped into the libraries never touches the solution's builds.
    local common=(-c Release --artifacts-path "$artifacts" --nologo -v quiet -clp:NoSummary -p:Version="$version"
                  -p:Authors=DataBuild "-p:Description=DataBuild: the engine of an incremental build system for scientific data products")
    if (cd "$root" && "$dotnet" build targets/DataBuild.Generators "${common[@]}" \
          && for project in targets/DataBuild.Slurm targets/DataBuild.Targets products/DataBuild.Products targets/DataBuild.Reporting; do
               "$dotnet" pack "$project" "${common[@]}" -o "$feed.new" -p:DataBuildGeneratorPath="$generator" || exit 1
             done) >"$log" 2>&1 9>&-; then
      touch "$feed.new/.complete"
      rm -rf "$feed" && mv "$feed.new" "$feed"
      rm -f "$log"
    else
      cat "$log" >&2
      echo "error: the engine could not be packed (above)." >&2
      rm -rf "$feed.new" "$log"
      exit 1
    fi
  ) 9>"$root/build/obj/.databuild-pack.lock" || exit 1
  echo "$feed"
}

setup() {
  if [[ $# -ne 1 || "$1" == -* ]]; then
    echo "Usage: ./build.sh setup <directory>   (writes build.sh, build/ and a package feed of this engine into <directory>)" >&2
    exit 2
  fi
  local dir="$1" dotnet version feed template="$root/templates/repository"
  dotnet="$(need_dotnet)"
  mkdir -p "$dir" && dir="$(cd "$dir" && pwd)"
  if [[ ! -f "$dir/build/Build.csproj" ]]; then
    # A new set-up writes nothing over the user's files.
    local existing
    for existing in build.sh build nuget.config; do
      if [[ -e "$dir/$existing" ]]; then
        echo "error: $dir/$existing already exists; setup writes build.sh, build/ and nuget.config into a repository that has none of them (move it aside, or set DataBuild up in another directory)." >&2
        exit 2
      fi
    done
  fi
  version="$(engine_version)"
  feed="$(pack_engine "$dotnet" "$version")"
  mkdir -p "$dir/.databuild-feed"
  cp "$feed"/*.nupkg "$dir/.databuild-feed/"
  if [[ -f "$dir/build/Build.csproj" ]]; then
    local used
    used="$(sed -n 's|.*<DataBuildVersion>\(.*\)</DataBuildVersion>.*|\1|p' "$dir/build/Build.csproj")"
    echo "DataBuild $version is now in $dir/.databuild-feed (build/Build.csproj uses ${used:-another version})."
    [[ "$used" == "$version" ]] || echo "To upgrade: set <DataBuildVersion>$version</DataBuildVersion> in $dir/build/Build.csproj, then run ./build.sh there."
    return 0
  fi
  mkdir -p "$dir/build"
  cp "$template/build.sh" "$dir/build.sh" && chmod +x "$dir/build.sh"
  cp "$template/build/Pipelines.cs" "$dir/build/"
  # This repository's own Program.cs (the build, report and inspect commands), less the namespace of its pipelines.
  grep -v '^using DataBuild.Pipelines;$' "$root/build/Program.cs" > "$dir/build/Program.cs"
  sed "s|@DATABUILD_VERSION@|$version|" "$template/build/Build.csproj" > "$dir/build/Build.csproj"
  cp "$template/nuget.config" "$dir/nuget.config"
  [[ -e "$dir/global.json" ]] || cp "$root/global.json" "$dir/global.json"
  local line
  while IFS= read -r line; do
    grep -qxF "$line" "$dir/.gitignore" 2>/dev/null || echo "$line" >> "$dir/.gitignore"
  done < "$template/gitignore"
  grep -qs '^## Building with DataBuild$' "$dir/README.md" || cat "$template/README.section.md" >> "$dir/README.md"
  echo "DataBuild $version is set up in $dir: build.sh, build/ (one example target, Hello), nuget.config and .databuild-feed/, global.json, a README section."
  echo "Try: cd $dir && ./build.sh Hello"
}

if [[ "${1:-}" == setup ]]; then shift; setup "$@"; exit 0; fi

# How the program is compiled. Unset: the program is compiled for start-up (build/Host/Host.csproj); when its engine
# has to be published (a fresh clone, an engine change), this run does not wait for that: it runs a program compiled
# plainly for the shared runtime (JIT-compiled as it runs; ~25 s to compile on 2 quiet cores, against ~2 min for the
# publish), while the publish runs in the background, niced, for the runs after it. DATABUILD_COMPILE=startup waits for
# the publish instead; DATABUILD_COMPILE=quick publishes for the shared runtime (~25 s against ~45 s with the
# publish's framework already trimmed), for a session of editing the engine; each no-op then starts ~10 ms slower.
# Switching recompiles the engine; an edit of build/ alone then recompiles only the pipelines, in any mode.
# Unset, once the published program is current, the engine and the pipelines are also compiled ahead of time into one
# native executable (build/Native/Native.csproj; a minute or two, in the background, niced), which the runs of those
# sources then use: it starts without a runtime to load. DATABUILD_COMPILE=native waits for it; startup and quick never
# use it (nor does `report`, whose charting library needs the runtime's reflection).
requested="${DATABUILD_COMPILE:-}"
case "$requested" in
  ""|startup|quick|native) ;;
  *) echo "error: DATABUILD_COMPILE='$requested' is not a compile mode; use 'startup' (the default), 'quick' or 'native'." >&2; exit 2 ;;
esac
compile="${requested:-startup}"
[[ "$compile" != native ]] || compile=startup  # the published program is compiled first, as in the default mode
background="${DATABUILD_COMPILE_BACKGROUND:-}"  # set by this script for the background publish: compile, run nothing

sources="$(engine_hash)"
engine="$sources $compile"
pipelines_hash() { pipelines_sources | (cd "$root/build" && xargs cat --) | sha256sum | cut -d' ' -f1; }
pipelines="$(pipelines_hash)"
current="$engine $pipelines"
first="$root/build/bin/first"  # the first-run program: framework-dependent, not precompiled
first_stamp="$root/build/obj/.databuild-first-stamp"
compile_lock="$root/build/obj/.databuild-compile.lock"
background_asked="$root/build/obj/.databuild-background"  # touched when a background publish is started

runtime_root() {
  # A program compiled for the shared runtime (the first-run one, DATABUILD_COMPILE=quick, the fallbacks) finds .NET
  # through DOTNET_ROOT where dotnet is not installed where its launcher looks by default (e.g. ~/.dotnet): set from the
  # dotnet this script uses, so that the build, and its Slurm workers (they inherit the environment), start.
  [[ -z "${DOTNET_ROOT:-}" ]] || return 0
  local dotnet
  dotnet="$(find_dotnet)" || return 0
  DOTNET_ROOT="$(dirname "$(readlink -f "$dotnet")")"
  export DOTNET_ROOT
}

swap_in() {
  # Puts the program directory $1 in place of $2 whole (a program still running from the old one keeps its files).
  if [[ -d "$2" ]]; then mv "$2" "$2.old" || return 1; fi
  mv "$1" "$2" || return 1
  rm -rf "$2.old"
}

compiler_errors() {
  # The compiler's errors in log $1, as paths relative to the repository: build/Pipelines.X.cs(12,5): error CS0103: ...
  grep ' error CS' "$1" | sed -e "s|^ *$root/||" -e 's| \[[^]]*\]$||' | awk '!seen[$0]++' >&2
  echo "error: build/ does not compile; fix the errors above and rerun. Nothing was run." >&2
}

run_first() {
  # Runs the first-run program (exec), compiled now if it is not of these sources, and starts the publish of the
  # precompiled program in the background. Returns 1 where it cannot be compiled for a reason other than the code.
  local want="$sources $pipelines" status=0
  if [[ ! -x "$first/databuild" || "$(cat "$first_stamp" 2>/dev/null)" != "$want" ]]; then
    local dotnet
    dotnet="$(need_dotnet)" || exit 2
    mkdir -p "$root/build/obj"
    (
      flock 9
      rm -rf "$first".new.* "$first.old"  # what an interrupted compile left
      [[ -x "$first/databuild" && "$(cat "$first_stamp" 2>/dev/null)" == "$want" ]] && exit 0
      echo "Compiling the engine and the pipelines for this run (build/Host, build/; JIT-compiled, not precompiled) ..." >&2
      local log next="$first.new.$$" artifacts="$root/build/obj/first"
      log="$(mktemp)"
      # Its own bin/ and obj/ (artifacts), apart from the solution's builds and the publish running beside it; without
      # the analyzers (the publish and `dotnet build` run them), which take a third of the compile.
      if ! "$dotnet" build "$root/build/Host/Host.csproj" -c Release --artifacts-path "$artifacts" --nologo -v quiet -clp:NoSummary \
             -p:RunAnalyzers=false >"$log" 2>&1 9>&-; then
        if grep -q ' error CS' "$log"; then compiler_errors "$log"; rm -f "$log"; exit 2; fi
        cat "$log" >&2; rm -f "$log"
        echo "note: the first-run program could not be compiled (above); publishing the precompiled one instead." >&2
        exit 3
      fi
      # A copy, swapped in whole. (No errexit in here: this subshell's status is looked at, so each step is checked.)
      mkdir -p "$(dirname "$first")" && cp -r "$artifacts/bin/Host/release" "$next" && "$next/databuild" --version >>"$log" 2>&1 \
        || { cat "$log" >&2; rm -rf "$next" "$log"; exit 3; }
      rm -f "$log"
      swap_in "$next" "$first" || exit 3
      # Sources edited while they compiled: the next run compiles them again.
      if [[ "$(engine_hash) $(pipelines_hash)" == "$want" ]]; then echo "$want" > "$first_stamp"; else rm -f "$first_stamp"; fi
    ) 9>"$root/build/obj/.databuild-first.lock" || status=$?
    case "$status" in
      0) ;;
      2) exit 2 ;;
      *) return 1 ;;
    esac
  fi
  # One background publish at a time: none is started while a compile holds the lock (that compile, or the run after
  # it, starts the next). Its own session and files, so that neither Ctrl-C nor a caller reading this run's output
  # waits for it.
  # A publish that failed for these sources is not tried again at every run.
  local log="$root/build/obj/background-publish.log" failed="$root/build/obj/.databuild-background-failed"
  if [[ "$(cat "$failed" 2>/dev/null)" == "$current" ]]; then
    echo "note: this run's program is JIT-compiled: the background publish of the precompiled one failed (${log#"$root/"}); 'DATABUILD_COMPILE=startup ./build.sh --version' tries again and shows why." >&2
  elif flock -n "$compile_lock" true 2>/dev/null; then
    touch "$background_asked"
    rm -f "$failed"
    setsid bash -c 'DATABUILD_COMPILE=startup DATABUILD_COMPILE_BACKGROUND=1 nice -n 10 "$1" || echo "$2" > "$3"' publish "$root/build.sh" "$current" "$failed" \
      </dev/null >"$log" 2>&1 &
    echo "note: this run's program is JIT-compiled; the precompiled one (faster to start) is being published in the background for the runs after it (log: ${log#"$root/"})." >&2
  fi
  runtime_root
  exec "$first/databuild" "$@"
}

recorded="$(cat "$stamp" 2>/dev/null || true)"
if [[ -z "$requested" && -z "$background" && "$recorded" != "$current" && ! ( -x "$exe" && "${recorded% *}" == "$engine" ) ]]; then
  # Default mode and the engine has to be published: run the first-run program now (exec), unless it cannot be had.
  run_first "$@" || true
fi
if [[ ! -x "$exe" || "$recorded" != "$current" ]]; then
  dotnet="$(need_dotnet)"
  mkdir -p "$(dirname "$stamp")"
  (
    flock 9  # two build.sh started at once must not compile over each other
    # The compiler server and MSBuild's nodes stay up after a compile: they must not inherit the lock (9>&- below).
    # What an interrupted compile left (killed, or the machine stopped): nobody else writes them while the lock is held.
    rm -rf "$bin".new.* "$bin.old"
    # A background publish finding a program compiled since it was asked for (a run that chose a mode, or did not wait
    # for it) leaves that program: the next run asks again if it still needs one.
    if [[ -n "$background" && "$stamp" -nt "$background_asked" ]]; then exit 0; fi
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
      log="$(mktemp)"
      next="$bin.new.$$"  # made beside the current program and swapped in whole, never over it
      args="$root/build/obj/pipelines/csc.rsp"  # the compiler's arguments for the pipelines, written with the engine
      rid="$(runtime_id)"
      fail() {
        if grep -q ' error CS' "$log"; then
          compiler_errors "$log"
        else
          cat "$log" >&2
          echo "error: no working pipeline program could be published (above); ${bin#$root/} is left as it was." >&2
        fi
        rm -f "$log"; rm -rf "$next"
        exit 2
      }
      # An edit of build/ alone: the C# compiler on the pipelines (its server stays warm between edits), against the
      # engine as published, into a copy of the program whose other files are hard links to the current one's.
      pipelines_only() {
        local recorded out
        recorded="$(cat "$stamp" 2>/dev/null || true)"
        [[ -x "$exe" && -f "$args" && "${recorded% *}" == "$engine" ]] || return 1
        local version csc
        version="$(cd "$root" && "$dotnet" --version)"
        csc="$("$dotnet" --list-sdks | sed -n "s/^$version \[\(.*\)\]$/\1/p")/$version/Roslyn/bincore/csc.dll"
        [[ -f "$csc" ]] || return 1
        out="$root/build/obj/pipelines/out"
        rm -rf "$out" && mkdir -p "$out"
        echo "Compiling the pipelines (build/) ..." >&2
        local sources=()
        mapfile -t sources < <(pipelines_sources)
        if ! (cd "$root/build" && "$dotnet" exec "$csc" -noconfig -nologo -shared @"$args" "/out:$out/DataBuild.Pipelines.dll" "${sources[@]}") >"$log" 2>&1 9>&-; then
          grep -q ' error CS' "$log" && fail
          return 1
        fi
        rm -rf "$next"
        cp -al "$bin" "$next"
        rm -f "$next/DataBuild.Pipelines.dll" "$next/DataBuild.Pipelines.pdb"  # unlinked first: the current program's copy stays as it is
        cp "$out/DataBuild.Pipelines.dll" "$next/"
        # The framework beside the program is trimmed to what the engine and the pipelines used when it was published:
        # pipelines that now need more of it are published again with the engine (below).
        if ! DATABUILD_CHECK_PIPELINES=1 "$next/databuild" >>"$log" 2>&1; then
          echo "note: the pipelines now use parts of .NET the published program does not have; publishing it again." >&2
          rm -rf "$next"
          return 1
        fi
        "$next/databuild" --version >>"$log" 2>&1 || { rm -rf "$next"; return 1; }
      }
      publish() {
        rm -rf "$next"
        # ReadyToRun images of another variant are not reused: a composite image's component assemblies load only
        # beside that image, and a program published from them aborts at start.
        local variant="$root/build/Host/obj/.databuild-publish-variant"
        mkdir -p "$(dirname "$variant")"
        if [[ "$(cat "$variant" 2>/dev/null)" != "$*" ]]; then rm -rf "$root"/build/Host/obj/Release/net10.0/*/R2R "$root"/build/obj/Release/net10.0/*/R2R; fi
        echo "$*" > "$variant"
        # It also writes the compiler's arguments for the pipelines (build/Build.csproj), for the edits to come.
        local raw="$root/build/obj/pipelines/csc.raw"
        mkdir -p "$(dirname "$raw")"
        "$dotnet" publish "$root/build/Host/Host.csproj" -c Release -o "$next" --nologo -v quiet -clp:NoSummary "$@" \
          -p:ProvideCommandLineArgs=true -p:DataBuildCompilerArguments="$raw" >"$log" 2>&1 9>&- || return 1
        # A program that does not start never replaces one that does.
        "$next/databuild" --version >>"$log" 2>&1 || { echo "error: the program published with '$*' does not start (exit $?)." >>"$log"; return 1; }
        # The arguments as this publish compiled the pipelines (references, analyzers, options), less the sources and
        # outputs, given per compile, and the code-style analyzers, left to `dotnet build`. When the publish found the
        # pipelines compiled already and no arguments are recorded, MSBuild is asked for them without compiling.
        if [[ ! -s "$raw" ]]; then
          "$dotnet" build "$root/build/Build.csproj" -c Release --no-restore --nologo -v quiet -clp:NoSummary "$@" -p:BuildProjectReferences=false \
              -p:ProvideCommandLineArgs=true -p:SkipCompilerExecution=true -p:NonExistentFile=__DataBuild__/__none__ -p:DataBuildCompilerArguments="$raw" >>"$log" 2>&1 9>&- || true
        fi
        rm -f "$args"
        { grep -v -E -e '^/(out|refout|noconfig)' -e '^"?[^/"].*\.cs"?$' -e 'NetAnalyzers|ILLink' "$raw" \
            && grep -E '^"?obj/.*\.cs"?$' "$raw" | sed 's/^"*\(.*[^"]\)"*$/"\1"/'; } > "$args.tmp" 2>/dev/null && mv "$args.tmp" "$args" \
          || { rm -f "$args.tmp"; echo "note: the compiler's arguments for build/ could not be had; an edit there publishes the whole program again." >&2; }
      }
      if pipelines_only; then
        :
      else
        echo "Compiling the engine and the pipelines (build/Host, build/) ..." >&2
        # Self-contained, trimmed and precompiled as one image (build/Host/Host.csproj explains why); then, where that cannot be
        # had, precompiled on the shared runtime; then plain IL, slower to start (offline without the runtime pack in the
        # NuGet cache: ReadyToRun needs it too). DATABUILD_COMPILE=quick starts at the second.
        why=""
        first_error() { grep -m1 -i 'error' "$log" | sed -e 's/^ *//' -e "s|^$root/||" -e 's| \[[^]]*\]$||' | cut -c1-200; }
        if [[ "$compile" == startup && -n "$rid" ]] && publish -r "$rid" -p:DataBuildStartup=composite $(instruction_set); then
          :
        elif grep -q ' error CS' "$log"; then
          fail  # the code does not compile: no fallback will
        elif why="$(first_error)"; [[ -n "$rid" ]] && publish -r "$rid" --self-contained false -p:PublishReadyToRun=true; then
          [[ "$compile" == quick ]] \
            || echo "note: compiled for the shared .NET runtime, not self-contained (${why:-see 'dotnet publish build/Host/Host.csproj -r $rid -p:DataBuildStartup=composite'}); a no-op build starts ~10 ms slower. To try again: rm build/obj/.databuild-stamp" >&2
        elif ! grep -q ' error CS' "$log" && why="$(first_error)" && publish --self-contained false; then
          # ReadyToRun needs the runtime pack too: offline without it in the package cache, this is what is left.
          echo "note: compiled without ReadyToRun, for the shared .NET runtime (${why:-unknown platform $(uname -m)}); start-up is slower. To try again: rm build/obj/.databuild-stamp" >&2
        else
          fail
        fi
      fi
      rm -f "$log"
      # Sources edited while they compiled: what was compiled is not known, so the stamp names no sources (the next run
      # compiles again); an edit of build/ alone keeps the engine's part, for the pipelines-only compile.
      now="$(engine_hash) $compile $(pipelines_hash)"
      if [[ "$now" == "$current" ]]; then finished="$current"
      elif [[ "${now% *}" == "$engine" ]]; then finished="$engine edited-while-compiling"
      else finished="edited-while-compiling"
      fi
      swap_in "$next" "$bin"
      echo "$finished" > "$stamp"
    fi
  ) 9>"$compile_lock"
fi
[[ -z "$background" || "$requested" == native ]] || exit 0

native="$root/build/bin/native"
native_stamp="$root/build/obj/.databuild-native-stamp"
native_failed="$root/build/obj/.databuild-native-failed"
native_log="$root/build/obj/native.log"
native_lock="$root/build/obj/.databuild-native.lock"

# What the native program is compiled from: the engine, the pipelines and its own project file.
native_project_hash() { sha256sum < "$root/build/Native/Native.csproj" | cut -d' ' -f1; }
native_want="$sources $pipelines $(native_project_hash)"

compile_native() {
  # The native program of these sources, compiled into a copy of build/bin/native swapped in whole once it starts.
  # Returns 1 where it cannot be compiled; why is in $native_log.
  local dotnet want="$native_want" rid
  rid="$(runtime_id)"
  [[ -n "$rid" ]] || { echo "no native compiler for $(uname -m)" > "$native_log"; return 1; }
  dotnet="$(find_dotnet)" || return 1
  (
    flock 9
    rm -rf "$native".new.* "$native.old"  # what an interrupted compile left
    [[ -x "$native/databuild" && "$(cat "$native_stamp" 2>/dev/null)" == "$want" ]] && exit 0
    local next="$native.new.$$"
    # Its own bin/ and obj/ (artifacts): the published program's builds and this one never share intermediate files.
    if ! "$dotnet" publish "$root/build/Native/Native.csproj" -c Release -r "$rid" --artifacts-path "$root/build/obj/native" \
           -o "$next" --nologo -v quiet -clp:NoSummary >"$native_log" 2>&1 9>&-; then
      rm -rf "$next"; echo "$want" > "$native_failed"; exit 1
    fi
    rm -f "$next"/*.dbg "$next"/*.pdb  # debug symbols: ~50 MB no run reads
    "$next/databuild" --version >>"$native_log" 2>&1 || { rm -rf "$next"; echo "$want" > "$native_failed"; exit 1; }
    swap_in "$next" "$native" || exit 1
    rm -f "$native_failed"
    # Sources edited while they compiled: the next run compiles them again.
    if [[ "$(engine_hash) $(pipelines_hash) $(native_project_hash)" == "$want" ]]; then echo "$want" > "$native_stamp"; else rm -f "$native_stamp"; fi
  ) 9>"$native_lock"
}

if [[ "${1:-}" != report && ( -z "$requested" || "$requested" == native ) ]]; then
  if [[ "$requested" == native ]]; then
    if ! compile_native; then
      [[ -n "$background" ]] && exit 1
      grep -E ' error |error:' "$native_log" | sed -e "s|^ *$root/||" -e 's| \[[^]]*\]$||' | awk '!seen[$0]++' | head -20 >&2
      echo "error: the native program could not be compiled (${native_log#"$root/"}); without DATABUILD_COMPILE=native, ./build.sh runs the published one." >&2
      exit 2
    fi
    [[ -z "$background" ]] || exit 0
  fi
  if [[ -x "$native/databuild" && "$(cat "$native_stamp" 2>/dev/null)" == "$native_want" ]]; then
    exec "$native/databuild" "$@"
  fi
  # Not compiled for these sources yet: once in the background (its own session, as the publish), not again for
  # sources it failed on. Native AOT links with the system's C toolchain: without one, the published program it is.
  if ! command -v gcc >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
    :
  elif [[ "$(cat "$native_failed" 2>/dev/null)" == "$native_want" ]]; then
    echo "note: the native program failed to compile for these sources (${native_log#"$root/"}); this run uses the published one. 'DATABUILD_COMPILE=native ./build.sh --version' tries again and shows why." >&2
  elif flock -n "$native_lock" true 2>/dev/null && flock -n "$compile_lock" true 2>/dev/null; then
    setsid bash -c 'DATABUILD_COMPILE=native DATABUILD_COMPILE_BACKGROUND=1 nice -n 10 "$1"' native "$root/build.sh" \
      </dev/null >/dev/null 2>&1 &
  fi
fi
[[ -f "$bin/libcoreclr.so" ]] || runtime_root  # not self-contained
exec "$exe" "$@"
