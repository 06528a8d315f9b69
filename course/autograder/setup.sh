#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu). It installs
# git, unzip and the .NET 10 SDK, then restores the NuGet packages of the instructor's tree and
# builds the grader, so that grading a submission downloads nothing and starts at once.
# `tinykv-course autograder` puts it at the top of the bundle, beside run_autograder and tree/.
set -euo pipefail

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tree="$source_dir/tree"
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

apt-get update
apt-get install -y --no-install-recommends ca-certificates curl git unzip libicu-dev

# The .NET SDK through Microsoft's install script, the way
# https://learn.microsoft.com/dotnet/core/install/linux-scripted-manual documents it: the
# newest 10.0 SDK, which the tree's global.json accepts (it rolls forward to the latest feature band).
curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
bash /tmp/dotnet-install.sh --channel 10.0 --install-dir /usr/share/dotnet
ln -sf /usr/share/dotnet/dotnet /usr/local/bin/dotnet
dotnet --info

cd "$tree"
dotnet restore TinyKv.slnx
dotnet build grader/src/TinyKv.Grader --no-restore -nologo -v quiet
