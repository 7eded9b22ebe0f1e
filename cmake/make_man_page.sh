#!/bin/sh
# Writes the man page of the bottleneck tool from its own help texts: help2man over
# `bottleneck --help`, plus a COMMANDS section with each command's `--help` (the command
# list read from the tool's "Subcommands:" listing, so a new command is documented by itself).
#   make_man_page.sh TOOL VERSION OUTPUT
set -eu
tool=$1
version=$2
output=$3
include=$output.h2m
{
  echo "[COMMANDS]"
  echo "Each command's options, as \`bottleneck COMMAND --help\` prints them."
  "$tool" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF { print $1 }' | while read -r command; do
    echo ".SS $command"
    echo ".nf"
    # roff: a backslash is \e, and a line may not start with a control character.
    "$tool" "$command" --help | sed 's/\\/\\e/g; s/^\([.'"'"']\)/\\\&\1/'
    echo ".fi"
  done
} >"$include"
help2man --no-info --include="$include" --version-string="$version" \
  --name="transfer learning from pretrained CNNs" --output="$output.tmp" "$tool"
rm -f "$include"
mv "$output.tmp" "$output"
